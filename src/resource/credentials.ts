// What a request presents to a resource server (RFC 6750 §2.1, RFC 9449 §7.1): one
// `Authorization` header of the Bearer or DPoP scheme with a token68, or nothing usable.

/** No credentials, a token in a scheme this module knows, or a header it cannot read. */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'malformed'; why: string }
  | { kind: 'token'; scheme: 'bearer' | 'dpop'; token: string };

const SCHEME = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?: +(.*))?$/s;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Reads the request's `Authorization`. Two headers arrive joined by a comma (Fetch §2.2), which
 * no token68 contains, so a repeat is malformed like any other unreadable value. Another scheme
 * (`Basic …`) is no credentials of ours (RFC 6750 §3.1).
 */
export function credentialsOf(headers: Headers): Credentials {
  const value = headers.get('authorization');
  if (value === null || value.trim() === '') return { kind: 'none' };
  const match = SCHEME.exec(value.trim());
  if (match === null) return { kind: 'malformed', why: 'Authorization is not "<scheme> <token>"' };
  const scheme = match[1]!.toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'dpop') {
    return value.includes(',') && /\b(bearer|dpop)\b/i.test(value)
      ? { kind: 'malformed', why: 'more than one Authorization header' }
      : { kind: 'none' };
  }
  const token = match[2] ?? '';
  if (!TOKEN68.test(token))
    return {
      kind: 'malformed',
      why: token.includes(',')
        ? 'more than one Authorization header'
        : 'the token is not a token68',
    };
  return { kind: 'token', scheme, token };
}
