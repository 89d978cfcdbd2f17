/** Reply shape of the ErrorAlertActor's summary query; `GET /errors/summary` writes it as is. */
export interface ErrorSummary {
  total_errors: number;
  total_lines: number;
  /** total_errors / total_lines within the window, 0–1. */
  error_rate: number;
  window: { since: string; until: string };
  services_with_errors: {
    service: string;
    error_count: number;
    line_count: number;
    error_rate: number;
    last_error_at: string;
  }[];
  top_exceptions: {
    fingerprint: string;
    /** Exception type, e.g. `ValueError`, `java.lang.IllegalStateException`, `panic`. */
    type: string;
    /** One recent message of this group, as logged (redacted). */
    sample: string;
    count: number;
    services: string[];
    first_seen: string;
    last_seen: string;
  }[];
}
