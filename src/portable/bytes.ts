// Byte strings and the unsigned integers they encode, big-endian (RFC 8017 §4.1-4.2).

const HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) =>
  byte.toString(16).padStart(2, '0'),
);

// The value of each lowercase hex digit, by character code.
const NIBBLE = new Uint8Array(128);
for (let digit = 0; digit < 16; digit++) NIBBLE[digit.toString(16).charCodeAt(0)] = digit;

/** OS2IP: the bytes as one unsigned big-endian integer (RFC 8017 §4.2). */
export function toBigInt(bytes: Uint8Array): bigint {
  let hex = '0x0';
  for (const byte of bytes) hex += HEX[byte]!;
  return BigInt(hex);
}

/**
 * I2OSP: `value` as exactly `length` big-endian bytes (RFC 8017 §4.1), or undefined when it does
 * not fit: "integer too large" is an invalid signature, never a shorter encoding.
 */
export function toBytes(value: bigint, length: number): Uint8Array | undefined {
  const hex = value.toString(16);
  if (value < 0n || hex.length > length * 2) return undefined;
  const out = new Uint8Array(length);
  // From the last hex digit backwards: no padded copy of the string, no parseInt per byte.
  for (let i = hex.length - 1, at = length - 1; i >= 0; i -= 2, at--)
    out[at] = NIBBLE[hex.charCodeAt(i)]! | (i > 0 ? NIBBLE[hex.charCodeAt(i - 1)]! << 4 : 0);
  return out;
}

/**
 * Whether two byte strings are equal, looking at every byte whatever the first difference is:
 * where a signature check compares an expected block, how far it matched must not show.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The byte strings one after another. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
