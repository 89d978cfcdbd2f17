/**
 * A real rsyslog (Debian's package, installed with apt-get when missing) on loopback for a test: UDP
 * and TCP inputs, or a TLS input (rsyslog-gnutls) with a CA and server certificate made with openssl.
 * Every message is written as a JSON line of its parsed RFC 5424 fields, read back by `lines()`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../bench/service-process.js';
import { ensureAptTool } from '../rig/apt-tool.js';
import { waitFor } from '../rig/rig-client.js';

export interface SyslogLine {
  pri: string;
  host: string;
  app: string;
  procid: string;
  msgid: string;
  sd: string;
  ts: string;
  sev: string;
  fac: string;
  msg: string;
}

const MODULE_DIRS = ['/usr/lib/x86_64-linux-gnu/rsyslog', '/usr/lib/aarch64-linux-gnu/rsyslog', '/usr/lib/rsyslog'];

/** rsyslogd's path, and with `tls` its GnuTLS driver; installs rsyslog (and rsyslog-gnutls) when missing. */
export async function ensureRsyslog(tls: boolean): Promise<string> {
  const { rsyslogd } = await ensureAptTool('rsyslog', ['rsyslogd']);
  if (tls) {
    const dir = MODULE_DIRS.find((d) => existsSync(path.join(d, 'imtcp.so'))) ?? MODULE_DIRS[0]!;
    await ensureAptTool('rsyslog-gnutls', [], [path.join(dir, 'lmnsd_gtls.so')]);
  }
  return rsyslogd!;
}

const TEMPLATE = `
template(name="j" type="list" option.jsonf="on") {
  property(outname="pri" name="pri" format="jsonf")
  property(outname="host" name="hostname" format="jsonf")
  property(outname="app" name="app-name" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="ts" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="sev" name="syslogseverity" format="jsonf")
  property(outname="fac" name="syslogfacility" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
}`;

export class Rsyslog {
  private child: ChildProcess | undefined;
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'logagg-rsyslog-'));
  port = 0;
  /** With TLS: the CA certificate that signed the server's. */
  caFile = '';

  constructor(private readonly tls: boolean) {}

  /** Makes a CA and a server certificate for 127.0.0.1 and localhost with openssl. */
  private makeCertificates(): void {
    const d = this.dir;
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: d, stdio: 'pipe' });
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=logagg test CA']);
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
    writeFileSync(path.join(d, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext']);
    this.caFile = path.join(d, 'ca.pem');
  }

  async start(): Promise<this> {
    await this.startOn(await freePort());
    return this;
  }

  /** Starts on a given port (a restarted server on its predecessor's port). */
  async startOn(port: number): Promise<void> {
    const rsyslogd = await ensureRsyslog(this.tls);
    this.port = port;
    const d = this.dir;
    let conf: string;
    if (this.tls) {
      this.makeCertificates();
      conf = `global(workDirectory="${d}" maxMessageSize="16k" DefaultNetstreamDriverCAFile="${d}/ca.pem" DefaultNetstreamDriverCertFile="${d}/server.pem" DefaultNetstreamDriverKeyFile="${d}/server.key")
module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")
input(type="imtcp" port="${this.port}" address="127.0.0.1")`;
    } else {
      conf = `global(workDirectory="${d}" maxMessageSize="16k")
module(load="imudp")
module(load="imtcp")
input(type="imudp" port="${this.port}" address="127.0.0.1")
input(type="imtcp" port="${this.port}" address="127.0.0.1")`;
    }
    writeFileSync(path.join(d, 'rsyslog.conf'), `${conf}\n${TEMPLATE}\naction(type="omfile" file="${d}/out.jsonl" template="j")\n`);
    const child = spawn(rsyslogd, ['-n', '-f', path.join(d, 'rsyslog.conf'), '-i', path.join(d, 'rsyslog.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    this.child = child;
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          if (child.exitCode !== null) return resolve(false);
          const s = net.connect(this.port, '127.0.0.1', () => {
            s.destroy();
            resolve(true);
          });
          s.on('error', () => resolve(false));
        }),
      { what: `rsyslogd listening on ${this.port} (${stderr.slice(0, 500)})`, timeoutMs: 15_000, intervalMs: 50 },
    );
  }

  lines(): SyslogLine[] {
    const file = path.join(this.dir, 'out.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as SyslogLine);
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (c && c.exitCode === null) {
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      if (c.exitCode === null) c.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
