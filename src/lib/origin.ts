/**
 * The origin (scheme, host, port) of an http(s) URL, or undefined for anything else: the unit
 * that may receive a token, and that a DPoP nonce belongs to (RFC 9449 §8).
 */
export function originOf(url: string): string | undefined {
  try {
    const { origin, protocol } = new URL(url);
    return origin !== 'null' && (protocol === 'https:' || protocol === 'http:')
      ? origin
      : undefined;
  } catch {
    return undefined;
  }
}
