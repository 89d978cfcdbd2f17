/** An error that is answered with its own status and a JSON body `{"error", "parameter"?}`. */
export class HttpError extends Error {
  override readonly name: string = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The JSON body sent to the client. */
  body(): Record<string, unknown> {
    return { error: this.message };
  }
}

/** A rejected query parameter (400): the body names the parameter and what it accepts. */
export class ParamError extends HttpError {
  override readonly name = 'ParamError';
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(400, message);
  }

  override body(): Record<string, unknown> {
    return { error: this.message, parameter: this.parameter };
  }
}

/** An actor's refusal of a query: the parameter at fault (400), or the store could not answer (503). */
export function queryRefused(reply: { parameter: string; error: string; unavailable?: true }): HttpError {
  return reply.unavailable ? new HttpError(503, reply.error, { 'Retry-After': '5' }) : new ParamError(reply.parameter, reply.error);
}
