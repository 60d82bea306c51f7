// One decoder for the key numbers (RSA n and e, EC x and y, OKP x) that refuses every
// encoding but the canonical one, and never throws: key material comes from the network.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

let lookup: Int8Array | undefined;

function sextets(): Int8Array {
  if (lookup === undefined) {
    lookup = new Int8Array(128).fill(-1);
    for (let i = 0; i < ALPHABET.length; i++) lookup[ALPHABET.charCodeAt(i)] = i;
  }
  return lookup;
}

/**
 * Decodes unpadded base64url (RFC 7515 §2, RFC 4648 §5) strictly, or returns `undefined`.
 *
 * Refused: characters outside the URL-safe alphabet (so `+`, `/`, `=` and whitespace), a length
 * that leaves a single character in the last group (no whole octet), and non-zero trailing bits
 * in the last character. RFC 4648 §3.5 allows decoders to reject those; refusing them means one
 * byte string has exactly one accepted spelling.
 *
 * @example
 * decodeBase64urlStrict('AQAB'); // Uint8Array [1, 0, 1]
 * decodeBase64urlStrict('AQAC'); // undefined: the last character carries non-zero spare bits
 */
export function decodeBase64urlStrict(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length % 4 === 1) return undefined;
  const table = sextets();
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let written = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? table[code]! : -1;
    if (value < 0) return undefined;
    buffer = ((buffer << 6) | value) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[written++] = (buffer >> bits) & 0xff;
    }
  }
  // The 2 or 4 bits left over must be zero, or another string decodes to the same bytes.
  if ((buffer & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Reads big-endian unsigned bytes as a BigInt (RFC 7518 §2 "Base64urlUInt"). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = '';
  for (const byte of bytes) hex += HEX[byte]!;
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}
