/** Length of Docker's RFC3339Nano-fixed timestamp, e.g. `2025-10-25T14:30:00.123456789Z`. */
export const DOCKER_TS_LENGTH = 30;

let cachedSecond = '';
let cachedSecondMs = 0;

/** True when `s` at `offset` starts with a Docker timestamp followed by a space. */
export function hasDockerTsPrefix(buf: Uint8Array, offset: number): boolean {
  // Cheap shape check: digits at the date positions, 'T', '.', 'Z', ' '.
  return (
    buf.length >= offset + DOCKER_TS_LENGTH + 1 &&
    buf[offset + 4] === 0x2d &&
    buf[offset + 10] === 0x54 &&
    buf[offset + 19] === 0x2e &&
    buf[offset + 29] === 0x5a &&
    buf[offset + 30] === 0x20
  );
}

/** Epoch milliseconds of a Docker timestamp; the second's parse is cached since lines come in bursts. */
export function dockerTsToMs(ts: string): number {
  const second = ts.slice(0, 19);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedSecondMs = Date.parse(second + 'Z');
  }
  return cachedSecondMs + Number(ts.slice(20, 23));
}

/**
 * The `since` value the engine accepts for a Docker timestamp: `seconds.nanoseconds` as a string
 * (a JS number would lose the nanoseconds; an ISO string is refused).
 */
export function dockerTsToSince(ts: string): string {
  return `${Math.floor(Date.parse(ts.slice(0, 19) + 'Z') / 1000)}.${ts.slice(20, 29)}`;
}

/** `seconds.nanoseconds` for an epoch-millisecond time. */
export function msToSince(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${s}.${String(Math.round((ms - s * 1000) * 1e6)).padStart(9, '0')}`;
}
