/**
 * RFC 5424 messages: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG`. PRI from the
 * facility and the entry's level; TIMESTAMP the entry's own time (6 fractional digits at most);
 * HOSTNAME the Docker host's; APP-NAME the service (48 characters); PROCID the container's short id;
 * structured data the container name and the stream. A message over the transport's limit is cut at
 * a character boundary (UDP 2048 octets, TCP and TLS 8192: rsyslog's default maxMessageSize).
 */
import type { LogEntry } from '../model/log-entry.js';
import { entryIso } from './wire-time.js';

/** Syslog severity of TRACE … CRITICAL: debug, debug, info, warning, err, crit. */
const SEVERITY = [7, 7, 6, 4, 3, 2];
/** RFC 5612's enterprise number for documentation and examples: logagg has none of its own. */
export const SD_ID = 'logagg@32473';
export const UDP_MAX_OCTETS = 2048;
export const STREAM_MAX_OCTETS = 8192;

/** Printable US-ASCII without spaces, cut to `max`; NIL (`-`) when nothing is left. */
function header(value: string, max: number): string {
  const v = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return v || '-';
}

const sdValue = (v: string): string => v.replace(/[\\"\]]/g, (c) => '\\' + c);

export function priority(facility: number, level: number): number {
  return facility * 8 + (SEVERITY[level] ?? 6);
}

/** One RFC 5424 message, at most `maxOctets` UTF-8 octets. */
export function syslogMessage(e: LogEntry, host: string, facility: number, maxOctets: number): Buffer {
  const head = `<${priority(facility, e.level)}>1 ${entryIso(e, 6)} ${header(host, 255)} ${header(e.service, 48)} ${header(e.containerId.slice(0, 12), 128)} - [${SD_ID} container="${sdValue(e.containerName)}" stream="${e.stream}"] `;
  const buf = Buffer.from(head + e.message, 'utf8');
  if (buf.length <= maxOctets) return buf;
  // Cut at a character boundary: never leave half of a multi-byte sequence.
  let end = maxOctets;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end);
}

/** RFC 6587 octet counting: `LEN SP MSG`. */
export function octetFrame(msg: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${msg.length} `), msg]);
}
