import { malformed } from '../lib/errors.js';

/** A JOSE header as tokenward reads it. Only `alg` is guaranteed. */
export interface TokenHeader {
  /** The signature algorithm the token claims (checked against `algorithms`). */
  alg: string;
  /** The id of the key that signed it, looked up in the key set. */
  kid?: string;
  /** The token type (`JWT`, `at+jwt`, `logout+jwt`, …). */
  typ?: string;
  [parameter: string]: unknown;
}

const STRING_PARAMETERS = ['kid', 'typ', 'cty', 'jku', 'x5u', 'x5t', 'x5t#S256'] as const;

// RFC 7515 §4.1.11: extensions a recipient understands. tokenward understands only b64
// (RFC 7797), and only its default value.
const UNDERSTOOD_CRITICAL = new Set(['b64']);

/**
 * Checks the JOSE header parameters that tokenward or jose read, so that a parameter of the
 * wrong type is malformed input rather than a surprise further down (RFC 7515 §4.1), and the
 * `crit` and `b64` rules jose applies (RFC 7515 §4.1.11, RFC 7797 §3).
 */
export function assertHeader(header: Record<string, unknown>): asserts header is TokenHeader {
  if (typeof header.alg !== 'string' || header.alg === '') {
    throw malformed('The token header has no "alg" string.');
  }
  for (const name of STRING_PARAMETERS) {
    if (header[name] !== undefined && typeof header[name] !== 'string') {
      throw malformed(`The token header parameter "${name}" must be a string.`);
    }
  }
  if (header.x5c !== undefined && !isStringArray(header.x5c)) {
    throw malformed('The token header parameter "x5c" must be an array of strings.');
  }
  if (header.jwk !== undefined && (typeof header.jwk !== 'object' || header.jwk === null)) {
    throw malformed('The token header parameter "jwk" must be an object.');
  }
  if (header.crit !== undefined) assertCritical(header.crit, header);
  if (header.b64 !== undefined && header.b64 !== true) {
    // RFC 7797: an unencoded payload is never a JWT (RFC 7519 §7.2 needs base64url).
    throw malformed(
      'The token header sets "b64": false; JWTs must use a base64url-encoded payload.',
    );
  }
  if (header.zip !== undefined) {
    throw malformed('The token header sets "zip", which is JWE only (RFC 7516 §4.1.3).');
  }
}

function assertCritical(crit: unknown, header: Record<string, unknown>): void {
  if (!isStringArray(crit) || crit.length === 0 || crit.includes('')) {
    throw malformed('The token header parameter "crit" must be a non-empty array of strings.');
  }
  if (new Set(crit).size !== crit.length)
    throw malformed('The token header parameter "crit" lists a parameter twice.');
  for (const name of crit) {
    if (!UNDERSTOOD_CRITICAL.has(name)) {
      throw malformed(
        `The token marks "${name}" critical, which tokenward does not understand (RFC 7515 §4.1.11).`,
      );
    }
    if (!Object.hasOwn(header, name) || header[name] === undefined)
      throw malformed(`The token header lists "${name}" in "crit" but does not set it.`);
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
