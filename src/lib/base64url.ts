import { notCanonical } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// Sextet of each base64url character, -1 for anything else (RFC 4648 §5).
const SEXTET = new Int8Array(128).fill(-1);
for (let value = 0; value < 64; value++) SEXTET[ALPHABET.charCodeAt(value)] = value;

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
  const bytes = new Uint8Array(decodedLength(text));
  return decodeInto(text, bytes) ? bytes : undefined;
}

/** How many bytes `text` decodes to (for a length that is not canonical, a harmless guess). */
export const decodedLength = (text: string): number => (text.length * 3) >> 2;

// Small buffers are cut from a shared slab, as Node's Buffer pool does: a view costs less than
// a new ArrayBuffer per token (issue 20). No region is handed out twice.
const SLAB_SIZE = 32 * 1024;
let slab = new Uint8Array(0);
let used = 0;

/** A buffer for {@link decodeInto} to fill, every byte written before it is read. */
export function allocateBytes(length: number): Uint8Array<ArrayBuffer> {
  if (length > SLAB_SIZE / 8) return new Uint8Array(length);
  if (used + length > slab.length) {
    slab = new Uint8Array(SLAB_SIZE);
    used = 0;
  }
  const bytes = slab.subarray(used, used + length);
  used += (length + 7) & ~7; // 8-byte aligned, as Node aligns its pool
  return bytes;
}

/**
 * Decodes canonical unpadded base64url into `bytes` from `offset` on ({@link decodedLength}
 * bytes), so a caller can decode several parts into one allocation; false when `text` is not
 * canonical.
 */
export function decodeInto(text: string, bytes: Uint8Array, offset = 0): boolean {
  const { length } = text;
  let chars = 0; // OR of every char code: above 127 means non-ASCII
  let sextets = 0; // OR of every sextet: negative means a character outside the alphabet
  let out = offset;
  let i = 0;
  // Four characters per turn, written out: measured faster than a helper per character.
  for (; i + 4 <= length; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    chars |= c0 | c1 | c2 | c3;
    const s0 = SEXTET[c0 & 127]!;
    const s1 = SEXTET[c1 & 127]!;
    const s2 = SEXTET[c2 & 127]!;
    const s3 = SEXTET[c3 & 127]!;
    sextets |= s0 | s1 | s2 | s3;
    const bits = (s0 << 18) | (s1 << 12) | (s2 << 6) | s3;
    bytes[out++] = bits >> 16;
    bytes[out++] = bits >> 8;
    bytes[out++] = bits;
  }
  const rest = length - i;
  let last = 0;
  for (let k = 0, bits = 0; k < rest; k++) {
    const code = text.charCodeAt(i + k);
    chars |= code;
    sextets |= last = SEXTET[code & 127]!;
    bits |= last << (18 - 6 * k);
    if (k > 0) bytes[out++] = bits >> (16 - 8 * (k - 1));
  }
  const unusedMask = rest === 2 ? 15 : rest === 3 ? 3 : 0;
  return chars <= 127 && sextets >= 0 && rest !== 1 && (last & unusedMask) === 0;
}

/** Unpadded base64url of `bytes` (RFC 4648 §5), as JWS, thumbprints and DPoP write it. */
export function encodeBase64url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const bits = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out +=
      ALPHABET[bits >> 18]! +
      ALPHABET[(bits >> 12) & 63] +
      ALPHABET[(bits >> 6) & 63] +
      ALPHABET[bits & 63];
  }
  return out.slice(0, Math.ceil((bytes.length * 4) / 3));
}
