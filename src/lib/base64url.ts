import { notCanonical } from './errors.js';

// Sextet of each base64url character, -1 for anything else (RFC 4648 §5).
const SEXTET = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  .split('')
  .forEach((char, value) => (SEXTET[char.charCodeAt(0)] = value));

/**
 * Decodes canonical unpadded base64url in one pass; anything else is ERR_TOKEN_MALFORMED.
 * Canonical means one string per byte sequence (RFC 7515 §2, RFC 4648 §3.5): no padding, no
 * `+`/`/`, no whitespace, and the unused low bits of the last character zero. Without that, a
 * second string carries the same signed token past revocation lists and the memo, which are
 * keyed by string.
 */
export function decodeBase64url(text: string, what: string): Uint8Array<ArrayBuffer> {
  const bytes = decodeStrict(text);
  if (bytes === undefined) throw notCanonical(what);
  return bytes;
}

/** Decodes canonical unpadded base64url, or returns undefined (for key members: never throws). */
export function decodeStrict(text: unknown): Uint8Array<ArrayBuffer> | undefined {
  if (typeof text !== 'string') return undefined;
  const { length } = text;
  const bytes = new Uint8Array(Math.floor((length * 6) / 8));
  let chars = 0; // OR of every char code: above 127 means non-ASCII
  let sextets = 0; // OR of every sextet: negative means a character outside the alphabet
  let out = 0;
  let i = 0;
  const sextet = (at: number): number => {
    const code = text.charCodeAt(at);
    chars |= code;
    const value = SEXTET[code & 127]!;
    sextets |= value;
    return value;
  };
  for (; i + 4 <= length; i += 4) {
    const bits = (sextet(i) << 18) | (sextet(i + 1) << 12) | (sextet(i + 2) << 6) | sextet(i + 3);
    bytes[out++] = bits >> 16;
    bytes[out++] = bits >> 8;
    bytes[out++] = bits;
  }
  const rest = length - i;
  let last = 0;
  if (rest >= 2) {
    const bits = (sextet(i) << 18) | ((last = sextet(i + 1)) << 12);
    bytes[out++] = bits >> 16;
    if (rest === 3) bytes[out++] = (bits | ((last = sextet(i + 2)) << 6)) >> 8;
  }
  const unusedMask = rest === 2 ? 15 : rest === 3 ? 3 : 0;
  const canonical = chars <= 127 && sextets >= 0 && rest !== 1 && (last & unusedMask) === 0;
  return canonical ? bytes : undefined;
}
