import { malformed, notCanonical } from '../lib/errors.js';
import { allocateBytes, decodeBase64url, decodedLength, decodeInto } from '../lib/base64url.js';
import { assertHeader, type TokenHeader } from './header.js';

/** Tokens longer than this are refused before any parsing (16 KiB). */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** The claims of a token. Registered claims have their RFC 7519 types once verified. */
export interface TokenPayload {
  /** Issuer (RFC 7519 §4.1.1). */
  iss?: string;
  /** Subject: whom the token is about (§4.1.2). */
  sub?: string;
  /** Audience: who the token is for (§4.1.3). */
  aud?: string | string[];
  /** Expiry, in seconds since the epoch (§4.1.4). */
  exp?: number;
  /** Not before, in seconds since the epoch (§4.1.5). */
  nbf?: number;
  /** Issued at, in seconds since the epoch (§4.1.6). */
  iat?: number;
  /** Token id (§4.1.7). */
  jti?: string;
  [claim: string]: unknown;
}

/** A compact JWS split and decoded once: everything the signature check and claims need. */
export interface DecodedToken {
  readonly token: string;
  readonly header: TokenHeader;
  /** The payload bytes: parsed as JSON only once the signature holds. */
  readonly payloadBytes: Uint8Array<ArrayBuffer>;
  /** The ASCII bytes of `header.payload`, which the signature covers. */
  readonly signingInput: Uint8Array<ArrayBuffer>;
  readonly signature: Uint8Array<ArrayBuffer>;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

// Headers repeat across every token of an issuer's key, so a checked header is kept by its
// encoded form (bounded, frozen since it is shared). A token cannot grow this past the bound.
const MAX_KNOWN_HEADERS = 32;
const knownHeaders = new Map<string, TokenHeader>();

/**
 * Splits a compact JWS (RFC 7515 §7.1) and decodes its header and signature, each part held to
 * canonical base64url. Throws ERR_TOKEN_MALFORMED with what is wrong; never echoes the token.
 * The signing input, payload and signature share one buffer: per token, allocation was the
 * larger part of decoding (issue 20).
 */
export function decodeToken(token: unknown): DecodedToken {
  const [headerPart, payloadPart, signaturePart] = splitCompact(token);
  const header = headerOf(headerPart);
  const inputEnd = headerPart.length + 1 + payloadPart.length;
  const payloadEnd = inputEnd + decodedLength(payloadPart);
  const bytes = allocateBytes(payloadEnd + decodedLength(signaturePart));
  if (!decodeInto(signaturePart, bytes, payloadEnd)) throw notCanonical('signature');
  if (!decodeInto(payloadPart, bytes, inputEnd)) throw notCanonical('payload');
  // Both parts are canonical base64url, so ASCII: one byte per character.
  textEncoder.encodeInto((token as string).slice(0, inputEnd), bytes);
  const signingInput = bytes.subarray(0, inputEnd);
  const payloadBytes = bytes.subarray(inputEnd, payloadEnd);
  const signature = bytes.subarray(payloadEnd);
  return { token: token as string, header, payloadBytes, signingInput, signature };
}

/** Parses the payload of a token whose signature verified. */
export function parsePayload(payloadBytes: Uint8Array): TokenPayload {
  return parseJsonObject(payloadBytes, 'payload') as TokenPayload;
}

/** Splits and decodes a compact JWS without verifying it (for `decode()`). */
export function parseToken(token: unknown): { header: TokenHeader; payload: TokenPayload } {
  const [headerPart, payloadPart, signaturePart] = splitCompact(token);
  decodeBase64url(signaturePart, 'signature');
  return {
    header: { ...headerOf(headerPart) },
    payload: parsePayload(decodeBase64url(payloadPart, 'payload')),
  };
}

function splitCompact(token: unknown): [string, string, string] {
  if (typeof token !== 'string')
    throw malformed(`Expected the token as a string, got ${describe(token)}.`);
  if (token.length === 0)
    throw malformed('The token is empty: pass the JWT itself, not an empty string.');
  if (token.length > MAX_TOKEN_LENGTH)
    throw malformed(`The token is ${token.length} characters; tokens over 16 KiB are refused.`);
  const first = token.indexOf('.');
  const last = token.lastIndexOf('.');
  // No dot at all is first === last === -1.
  if (first === last || token.indexOf('.', first + 1) !== last) {
    const parts = token.split('.').length;
    throw malformed(
      `The token has ${parts} part(s); a compact JWS has three (header.payload.signature).` +
        (parts === 5 ? ' Five parts is an encrypted JWE, which tokenward does not verify.' : ''),
    );
  }
  const parts: [string, string, string] = [
    token.slice(0, first),
    token.slice(first + 1, last),
    token.slice(last + 1),
  ];
  // The signature may be empty only so that `alg: none` gets its own code.
  if (parts[0] === '') throw malformed('The token header part is empty.');
  if (parts[1] === '') throw malformed('The token payload part is empty.');
  return parts;
}

function headerOf(headerPart: string): TokenHeader {
  const known = knownHeaders.get(headerPart);
  if (known !== undefined) return known;
  const header = parseJsonObject(decodeBase64url(headerPart, 'header'), 'header');
  assertHeader(header);
  if (knownHeaders.size >= MAX_KNOWN_HEADERS)
    knownHeaders.delete(knownHeaders.keys().next().value as string);
  knownHeaders.set(headerPart, deepFreeze(header));
  return header;
}

function parseJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(textDecoder.decode(bytes));
  } catch (cause) {
    throw malformed(`The token ${what} is not base64url-encoded JSON.`, cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(`The token ${what} must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/** Freezes an object and everything in it (JSON values only: no cycles). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    // for-in over own enumerable members (JSON objects have no inherited ones): no array of
    // values per object, and primitives are skipped without a call (issue 20, memo insert).
    for (const name in value) {
      const member = value[name];
      if (typeof member === 'object' && member !== null) deepFreeze(member);
    }
  }
  return value;
}
