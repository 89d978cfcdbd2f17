/** Reply shape of the ErrorAlertActor's summary query; `GET /errors/summary` writes it as is. */
export interface ErrorSummary {
  total_errors: number;
  total_lines: number;
  /** total_errors / total_lines within the window, 0–1. */
  error_rate: number;
  /** The window asked for (within the retention): counts are of lines whose Docker time lies in it, both ends included. */
  window: { since: string; until: string };
  /**
   * `exact`: counted to the millisecond. Otherwise the edges of the window were rounded out to whole
   * buckets (`bucket_seconds`) because the lines there are no longer held one by one; `counted` is the
   * window actually counted and `reason` says why.
   */
  precision: { exact: true } | { exact: false; bucket_seconds: number; counted: { since: string; until: string }; reason: string };
  services_with_errors: {
    service: string;
    error_count: number;
    line_count: number;
    error_rate: number;
    last_error_at: string;
  }[];
  top_exceptions: {
    fingerprint: string;
    /** Exception type, e.g. `ValueError`, `java.lang.IllegalStateException`, `panic`; absent when the message names none. */
    type?: string;
    /** One recent message of this group, as logged (redacted). */
    sample: string;
    count: number;
    services: string[];
    first_seen: string;
    last_seen: string;
  }[];
}
