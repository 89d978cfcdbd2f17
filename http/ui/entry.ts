/** The API's shapes the page reads (see the OpenAPI document, GET /openapi.json). */
export interface Entry {
  seq?: number;
  timestamp: string;
  docker_timestamp: string;
  service: string;
  level: 'TRACE' | 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';
  message: string;
  container_id: string;
  container_name: string;
  stream: 'stdout' | 'stderr';
  fields?: Record<string, unknown>;
  truncated?: true;
}

export interface LogsPage {
  logs: Entry[];
  count: number;
  next_cursor?: string;
  partial?: true;
}

export interface AroundReply {
  entry: Entry;
  before: Entry[];
  after: Entry[];
}

export interface ContainerRow {
  id: string;
  name: string;
  service: string;
  image: string;
  project?: string;
  state: string;
  follower: string | null;
  unsupported?: string;
  lines_total: number;
  lines_per_second: number;
  last_line_at?: string;
}

export interface ErrorSummary {
  total_errors: number;
  total_lines: number;
  error_rate: number;
  services_with_errors: { service: string; error_count: number; line_count: number; error_rate: number; last_error_at: string }[];
  top_exceptions: { fingerprint: string; type?: string; sample: string; count: number; services: string[]; first_seen: string; last_seen: string }[];
}

/** Notices share the live stream with entries (`{"notice":"dropped","count":N}`). */
export interface Notice {
  notice: string;
  count?: number;
  reason?: string;
}
