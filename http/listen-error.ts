/**
 * Why the HTTP server could not listen, as one sentence naming the setting to change: a port in use or
 * reserved is LOG_AGGREGATOR_PORT's, an address that is not this machine's or does not resolve is
 * LOG_AGGREGATOR_HOST's. Main prints it as a configuration error, without a stack trace.
 */
export interface ListenProblem {
  variable: 'LOG_AGGREGATOR_PORT' | 'LOG_AGGREGATOR_HOST';
  message: string;
}

/** The setting to blame for a listen error, or undefined for an error no setting explains. */
export function describeListenError(error: unknown, port: number, host: string): ListenProblem | undefined {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'EADDRINUSE':
      return { variable: 'LOG_AGGREGATOR_PORT', message: `port ${port} on ${host} is already in use; stop what listens there or set LOG_AGGREGATOR_PORT to a free port` };
    case 'EACCES':
      return { variable: 'LOG_AGGREGATOR_PORT', message: `port ${port} needs privileges this process does not have (ports below 1024); set LOG_AGGREGATOR_PORT to 1024 or above` };
    case 'EADDRNOTAVAIL':
      return { variable: 'LOG_AGGREGATOR_HOST', message: `${host} is not an address of this machine; use one of its addresses, 127.0.0.1, or 0.0.0.0 for all` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return { variable: 'LOG_AGGREGATOR_HOST', message: `the host name ${host} does not resolve (${code}); use an address, 127.0.0.1, or 0.0.0.0 for all` };
    case 'EAFNOSUPPORT':
      return { variable: 'LOG_AGGREGATOR_HOST', message: `${host} is of an address family this machine does not support (IPv6 disabled?); use 0.0.0.0 or 127.0.0.1` };
    default:
      return undefined;
  }
}
