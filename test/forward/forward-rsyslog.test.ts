/**
 * Syslog forwarding against a real rsyslog (Debian's package, started by the test on a free port):
 * over UDP, TCP (octet counting) and TLS (rsyslog-gnutls, a CA made with openssl). rsyslog's own
 * parser reads each message; its RFC 5424 fields (PRI, HOSTNAME, APP-NAME, PROCID, TIMESTAMP,
 * structured data, MSG) must be what the entries say.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Level, type LogEntry } from '../../actors/model/log-entry.js';
import { STREAM_MAX_OCTETS } from '../../actors/forward/syslog-format.js';
import { isCI, waitFor } from '../rig/rig-client.js';
import { makeEntry, T0 } from '../support/entries.js';
import { forwardRig, sinkConfig, type ForwardRig } from '../support/forward-rig.js';
import { Rsyslog, type SyslogLine } from '../support/rsyslog.js';
import { tempDataDir } from '../support/service-harness.js';

const test = suite('forward-rsyslog');
let servers: Rsyslog[] = [];
let rigs: ForwardRig[] = [];

test.after.each(async () => {
  for (const r of rigs) await r.stop();
  for (const s of servers) await s.stop();
  rigs = [];
  servers = [];
});

async function rsyslog(tls: boolean): Promise<Rsyslog | undefined> {
  try {
    const s = await new Rsyslog(tls).start();
    servers.push(s);
    return s;
  } catch (error) {
    if (isCI()) throw new Error(`rsyslog${tls ? ' with rsyslog-gnutls' : ''} is required under CI and could not be had: ${(error as Error).message}`);
    process.stdout.write(`\n### WARNING: forward-rsyslog not run: ${(error as Error).message}\n`);
    return undefined;
  }
}

const LONG_SERVICE = 'a-service-name-that-is-longer-than-the-forty-eight-characters-allowed';

function entries(n: number): LogEntry[] {
  return Array.from({ length: n }, (_, i) =>
    makeEntry({
      containerName: `web-${i % 2}`,
      service: i === 3 ? LONG_SERVICE : 'web',
      level: (i % 6) as Level,
      message: i === 5 ? 'héllo ✓ "quoted" [brackets]' : `syslog line ${i}`,
      dockerMs: T0 + i * 1000,
      nanos: 456_789,
      ...(i === 2 ? { time: '2025-10-25T14:29:59.123Z' } : {}),
    }),
  );
}

/** The checks every transport must pass: PRI, HOSTNAME, APP-NAME, PROCID, TIMESTAMP, SD, MSG. */
function check(lines: SyslogLine[], sent: LogEntry[]): void {
  const severity = [7, 7, 6, 4, 3, 2];
  for (const e of sent) {
    const l = lines.find((x) => x.msg === e.message);
    assert.ok(l, `"${e.message}" received`);
    assert.is(l!.pri, String(16 * 8 + severity[e.level]!), `PRI of ${e.message}`);
    assert.is(l!.fac, '16');
    assert.is(l!.host, 'docker-host-1');
    assert.is(l!.app, e.service.slice(0, 48));
    assert.is(l!.procid, e.containerId.slice(0, 12));
    assert.is(Date.parse(l!.ts), Date.parse(e.time ?? e.dockerTs.slice(0, 23) + 'Z'), `TIMESTAMP of ${e.message}: ${l!.ts}`);
    assert.is(l!.sd, `[logagg@32473 container="${e.containerName}" stream="stdout"]`);
  }
}

for (const scheme of ['udp', 'tcp'] as const) {
  test(`${scheme}://: rsyslog parses PRI, HOSTNAME, APP-NAME, PROCID, TIMESTAMP, SD and the message`, async () => {
    const server = await rsyslog(false);
    if (!server) return;
    const rig = forwardRig(sinkConfig('syslog', `${scheme}://127.0.0.1:${server.port}`), { dataDir: tempDataDir(), hostName: 'docker-host-1' });
    rigs.push(rig);
    await rig.ready();
    const sent = entries(40);
    rig.append(sent);
    await waitFor(() => server.lines().length >= 40, { what: `40 messages at rsyslog over ${scheme} (have ${server.lines().length})`, timeoutMs: 15_000 });
    check(server.lines(), sent);
    if (scheme === 'tcp') assert.equal(server.lines().map((l) => l.msg), sent.map((e) => e.message), 'order kept over TCP');
  });
}

test('tcp://: a message over the limit is cut; rsyslog restarted on the same port is reconnected by itself', async () => {
  const server = await rsyslog(false);
  if (!server) return;
  const rig = forwardRig(sinkConfig('syslog', `tcp://127.0.0.1:${server.port}`), { dataDir: tempDataDir(), hostName: 'docker-host-1', batchSize: 10 });
  rigs.push(rig);
  await rig.ready();
  const long = 'x'.repeat(20_000);
  rig.append([makeEntry({ message: long })]);
  await waitFor(() => server.lines().length === 1, { what: 'the long message' });
  const got = server.lines()[0]!.msg;
  assert.ok(got.length < STREAM_MAX_OCTETS && got.length > STREAM_MAX_OCTETS - 200 && long.startsWith(got), `cut to ${got.length}`);
  // The server goes away and comes back: the connection is made again, nothing lost.
  const port = server.port;
  await server.stop();
  servers = [];
  rig.append(entries(5));
  await waitFor(async () => (await rig.status()).state === 'retrying', { what: 'the sink retrying' });
  const again = new Rsyslog(false);
  servers.push(again);
  await again.startOn(port);
  await waitFor(() => again.lines().length >= 5, { what: 'the 5 lines after the restart', timeoutMs: 30_000 });
  assert.equal(again.lines().slice(-5).map((l) => l.msg), entries(5).map((e) => e.message));
});

test('tls://: verified against the CA file; refused without it; accepted with verification explicitly skipped', async () => {
  const server = await rsyslog(true);
  if (!server) return;
  const url = `tls://127.0.0.1:${server.port}`;
  const trusted = forwardRig(sinkConfig('syslog', url, { name: 'trusted', tls: { caFile: server.caFile } }), { dataDir: tempDataDir(), hostName: 'docker-host-1' });
  rigs.push(trusted);
  await trusted.ready();
  const sent = entries(20);
  trusted.append(sent);
  await waitFor(() => server.lines().length >= 20, { what: '20 messages over TLS', timeoutMs: 15_000 });
  check(server.lines(), sent);

  const untrusted = forwardRig(sinkConfig('syslog', url, { name: 'untrusted' }), { dataDir: tempDataDir(), hostName: 'docker-host-1' });
  rigs.push(untrusted);
  await untrusted.ready();
  untrusted.append([makeEntry({ message: 'must not arrive' })]);
  await waitFor(async () => (await untrusted.status()).lastError, { what: 'a certificate error' });
  assert.match((await untrusted.status()).lastError!, /certificate|self.signed|verify/i);

  const skipping = forwardRig(sinkConfig('syslog', url, { name: 'skipping', tls: { insecureSkipVerify: true } }), { dataDir: tempDataDir(), hostName: 'docker-host-1' });
  rigs.push(skipping);
  await skipping.ready();
  skipping.append([makeEntry({ message: 'unverified but delivered' })]);
  await waitFor(() => server.lines().some((l) => l.msg === 'unverified but delivered'), { what: 'the message with verification skipped' });
  assert.ok(!server.lines().some((l) => l.msg === 'must not arrive'));
});

test.run();
