const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Bytes as unpadded base64url (RFC 4648 §5), the encoding of every JWK member: the inverse of
 * `decodeStrict` in ./base64url.ts. Portable (no Buffer, no btoa) on purpose: tokenward/portable
 * runs where neither may exist.
 *
 * @example
 * encodeBase64url(Uint8Array.of(1, 0, 1)); // 'AQAB'
 */
export function encodeBase64url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const bits = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) out += ALPHABET[(bits >> (18 - 6 * c)) & 63];
  }
  return out;
}
