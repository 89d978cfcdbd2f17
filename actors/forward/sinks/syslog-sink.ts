/**
 * Syslog over UDP (one message per datagram), TCP (octet counting, RFC 6587) or TLS (RFC 5425). The
 * TCP/TLS connection is kept and reconnected on the next batch after any error, so a restarted
 * syslog server is picked up by itself; a batch counts as accepted once the kernel took every byte.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { DeliveryError } from '../../delivery/delivery-error.js';
import { octetFrame, STREAM_MAX_OCTETS, syslogMessage, UDP_MAX_OCTETS } from '../syslog-format.js';
import type { SinkFactory } from '../sink.js';

const CONNECT_TIMEOUT_MS = 10_000;
const WRITE_TIMEOUT_MS = 30_000;

export const syslogSink: SinkFactory = (config, env) => {
  const u = new URL(config.url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port);
  const scheme = u.protocol.replace(/:$/, '') as 'udp' | 'tcp' | 'tls';
  let socket: net.Socket | undefined;
  let udp: dgram.Socket | undefined;

  const connect = (): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const s =
        scheme === 'tls'
          ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...(config.tls.caFile ? { ca: readFileSync(config.tls.caFile) } : {}), rejectUnauthorized: !config.tls.insecureSkipVerify })
          : net.connect({ host, port });
      const timer = setTimeout(() => s.destroy(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      s.once(scheme === 'tls' ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        // An error between batches (a reset while idle) only closes the socket: the next batch reconnects.
        s.on('error', () => s.destroy());
        s.setKeepAlive(true, 30_000);
        resolve(s);
      });
      s.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new DeliveryError(`syslog ${scheme}://${u.host}: ${e.code ? `${e.code} ` : ''}${e.message}`, true));
      });
      // Anything the server sends is ignored; a close makes the next batch reconnect.
      s.on('data', () => {});
      s.on('close', () => {
        if (socket === s) socket = undefined;
      });
    });

  const write = (s: net.Socket, buf: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => s.destroy(new Error(`write not taken within ${WRITE_TIMEOUT_MS} ms`)), WRITE_TIMEOUT_MS);
      const onError = (e: Error) => {
        clearTimeout(timer);
        reject(new DeliveryError(`syslog ${scheme}://${u.host}: ${e.message}`, true));
      };
      s.once('error', onError);
      s.write(buf, (e) => {
        clearTimeout(timer);
        s.off('error', onError);
        if (e) reject(new DeliveryError(`syslog ${scheme}://${u.host}: ${e.message}`, true));
        else resolve();
      });
    });

  return {
    async send(entries) {
      const hostName = await env.hostName();
      if (scheme === 'udp') {
        if (!udp) {
          udp = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
          // ICMP port unreachable and the like surface on the next send's callback; never crash on them.
          udp.on('error', () => undefined);
        }
        const s = udp;
        for (const e of entries) {
          const msg = syslogMessage(e, hostName, config.facility, UDP_MAX_OCTETS);
          await new Promise<void>((resolve, reject) => s.send(msg, port, host, (err) => (err ? reject(new DeliveryError(`syslog udp://${u.host}: ${err.message}`, true)) : resolve())));
        }
        return;
      }
      const frames = Buffer.concat(entries.map((e) => octetFrame(syslogMessage(e, hostName, config.facility, STREAM_MAX_OCTETS))));
      const s = socket && !socket.destroyed ? socket : (socket = await connect());
      try {
        await write(s, frames);
      } catch (e) {
        s.destroy();
        if (socket === s) socket = undefined;
        throw e;
      }
    },
    async close() {
      socket?.end();
      socket?.destroy();
      udp?.close();
    },
  };
};
