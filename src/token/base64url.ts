import { malformed } from '../errors.js';

// Sextet of each base64url character, -1 for anything else (RFC 4648 §5).
const SEXTET = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  .split('')
  .forEach((char, value) => (SEXTET[char.charCodeAt(0)] = value));

/**
 * Why `text` is not canonical unpadded base64url, or undefined when it is. Canonical means one
 * string per byte sequence (RFC 7515 §2, RFC 4648 §3.5): no padding, no `+`/`/`, no whitespace,
 * and the unused low bits of the last character zero. Without that, a second string carries the
 * same signed token past revocation lists and the memo, which are keyed by string.
 */
export function nonCanonical(text: string): string | undefined {
  const { length } = text;
  if (length % 4 === 1) return 'its length is impossible for base64url';
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code > 127 || SEXTET[code]! < 0) {
      return code === 61 /* = */
        ? 'it is padded with "=", which base64url in JWS never is'
        : code === 43 || code === 47
          ? 'it uses "+" or "/", which are base64, not base64url'
          : 'it holds a character outside base64url';
    }
  }
  const unusedBits = (length % 4) * 6 - Math.floor(((length % 4) * 6) / 8) * 8;
  if (unusedBits > 0 && (SEXTET[text.charCodeAt(length - 1)]! & ((1 << unusedBits) - 1)) !== 0)
    return 'its last character has non-zero unused bits (a second spelling of the same bytes)';
  return undefined;
}

/**
 * Decodes canonical unpadded base64url in one pass; anything else is ERR_TOKEN_MALFORMED with
 * the reason from {@link nonCanonical}.
 */
export function decodeBase64url(text: string, what: string): Uint8Array<ArrayBuffer> {
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
  if (chars > 127 || sextets < 0 || rest === 1 || (last & unusedMask) !== 0) {
    throw malformed(`The token ${what} is not canonical base64url: ${nonCanonical(text)}.`);
  }
  return bytes;
}
