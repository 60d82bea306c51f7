import { base64url } from 'jose';
import { malformed } from './errors.js';

/** Tokens longer than this are refused before any parsing (16 KiB). */
export const MAX_TOKEN_LENGTH = 16 * 1024;

// Three base64url segments; the signature may be empty only so that `alg: none` gets its own code.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** A JOSE header as tokenward reads it. Only `alg` is guaranteed. */
export interface TokenHeader {
  alg: string;
  kid?: string;
  typ?: string;
  [parameter: string]: unknown;
}

/** The claims of a token. Registered claims have their RFC 7519 types once verified. */
export interface TokenPayload {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}

/** Cheap checks done before any decoding: type, size and shape. */
export function assertCompactShape(token: unknown): asserts token is string {
  if (typeof token !== 'string')
    throw malformed(`Expected the token as a string, got ${describe(token)}.`);
  if (token.length === 0)
    throw malformed('The token is empty: pass the JWT itself, not an empty string.');
  if (token.length > MAX_TOKEN_LENGTH) {
    throw malformed(`The token is ${token.length} characters; tokens over 16 KiB are refused.`);
  }
  if (!COMPACT_JWS.test(token)) {
    const parts = token.split('.').length;
    throw malformed(
      parts === 3
        ? 'The token contains characters outside base64url: it is not a compact JWS.'
        : `The token has ${parts} part(s); a compact JWS has three (header.payload.signature). ` +
            (parts === 5 ? 'Five parts is an encrypted JWE, which tokenward does not verify.' : ''),
    );
  }
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

function decodeJsonObject(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(textDecoder.decode(base64url.decode(segment)));
  } catch (cause) {
    throw malformed(`The token ${what} is not base64url-encoded JSON.`, cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(`The token ${what} must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

const STRING_PARAMETERS = ['kid', 'typ', 'cty', 'jku', 'x5u', 'x5t', 'x5t#S256'] as const;

/**
 * Checks the JOSE header parameters tokenward or jose read, so that a parameter of the wrong
 * type is malformed input rather than a surprise further down (RFC 7515 §4.1).
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
  if (header.crit !== undefined && (!isStringArray(header.crit) || header.crit.length === 0)) {
    throw malformed('The token header parameter "crit" must be a non-empty array of strings.');
  }
  if (header.b64 !== undefined && header.b64 !== true) {
    // RFC 7797: an unencoded payload is never a JWT (RFC 7519 §7.2 needs base64url).
    throw malformed(
      'The token header sets "b64": false; JWTs must use a base64url-encoded payload.',
    );
  }
  if (header.zip !== undefined) {
    throw malformed(
      'The token header sets "zip", which JWS does not allow (RFC 7516 §4.1.3 is JWE only).',
    );
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Splits and decodes a compact JWS without verifying it. */
export function parseToken(token: unknown): { header: TokenHeader; payload: TokenPayload } {
  assertCompactShape(token);
  const [headerPart = '', payloadPart = ''] = token.split('.');
  const header = decodeJsonObject(headerPart, 'header');
  assertHeader(header);
  const payload = decodeJsonObject(payloadPart, 'payload') as TokenPayload;
  return { header, payload };
}
