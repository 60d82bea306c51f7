import { parseToken } from '../token/compact.js';
import { dpopInvalid } from './errors.js';

/** A `Request`, or its method, URL and headers (Node's `IncomingMessage.headers` included). */
export interface DpopRequest {
  /** The HTTP method of the request. */
  method: string;
  /** The absolute URL the client called (behind a proxy: the public one, as the client saw it). */
  url: string;
  /** The request headers (`Headers`, or Node's `req.headers`). */
  headers: Headers | Record<string, string | string[] | undefined>;
}

/** What the request presents: the access token and the one DPoP proof. */
export interface Presented {
  token: string;
  proof: string;
}

// RFC 9449 §7.1 and RFC 6750 §2.1: `DPoP <token68>`; the scheme is case-insensitive (RFC 9110 §11.1).
const AUTHORIZATION = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*) +([A-Za-z0-9\-._~+/]+=*)$/;
// A compact JWS has neither commas nor spaces: a comma means headers that were combined.
const PROOF = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Reads `Authorization: DPoP` and exactly one `DPoP` header (RFC 9449 §4.3 item 1, §7.1, §7.2). */
export function presentedBy(request: DpopRequest): Presented {
  const authorization = single(request.headers, 'authorization');
  const match = authorization === undefined ? null : AUTHORIZATION.exec(authorization);
  if (match === null)
    throw dpopInvalid(undefined, 'The request has no "Authorization: DPoP <token>" header.');
  const [, scheme, token] = match as unknown as [string, string, string];
  if (scheme.toLowerCase() !== 'dpop') {
    // RFC 9449 §7.2: a DPoP-bound token presented as a bearer token is refused.
    if (scheme.toLowerCase() === 'bearer' && boundKeyOf(token) !== undefined)
      throw dpopInvalid(
        'cnf',
        'A DPoP-bound token was sent with the Bearer scheme: send it as "DPoP" with a proof.',
      );
    throw dpopInvalid(
      undefined,
      `This API takes DPoP-bound tokens only, as "Authorization: DPoP <token>", not ${scheme}.`,
    );
  }
  const proof = single(request.headers, 'dpop');
  if (proof === undefined || !PROOF.test(proof))
    throw dpopInvalid(
      undefined,
      proof === undefined
        ? 'The request has no "DPoP" header: send one proof made for this request.'
        : 'The request must carry exactly one "DPoP" header holding one compact JWS.',
    );
  return { token, proof };
}

function single(headers: DpopRequest['headers'], name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function')
    return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const value = Object.hasOwn(record, name) ? record[name] : undefined;
  if (Array.isArray(value)) {
    if (value.length > 1)
      throw dpopInvalid(
        undefined,
        `The request has ${value.length} "${name}" headers; one is allowed.`,
      );
    return value[0];
  }
  return value;
}

/** The `cnf.jkt` a token claims, read without verifying it (only to choose the message). */
function boundKeyOf(token: string): unknown {
  try {
    const { cnf } = parseToken(token).payload as { cnf?: { jkt?: unknown } };
    return typeof cnf === 'object' && cnf !== null ? cnf.jkt : undefined;
  } catch {
    return undefined;
  }
}
