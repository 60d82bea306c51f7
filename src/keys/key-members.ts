// The base64 members of a public JWK (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2; RFC 9964 for `pub`).
const ENCODED_MEMBERS = ['n', 'e', 'x', 'y', 'pub'] as const;

// Standard base64 (RFC 4648 §4) with its padding, or base64url with padding: what key servers
// write in practice (Battle.net publishes `n` and `e` this way). Not both alphabets at once.
const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_PADDED = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * The key with its base64 members rewritten as unpadded base64url, the form every check and
 * every provider reads (RFC 7517 §4 asks for base64url; jose and PyJWT accept the others).
 * Returns the same object when nothing needed rewriting. Only key material is read this
 * leniently: tokens stay strict (src/lib/base64url.ts).
 */
export function canonicalMembers(jwk: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const name of ENCODED_MEMBERS) {
    const value = jwk[name];
    if (typeof value !== 'string') continue;
    const canonical = toBase64url(value);
    if (canonical !== value) (out ??= { ...jwk })[name] = canonical;
  }
  return out ?? jwk;
}

/** Unpadded base64url for standard or padded base64; anything else unchanged (refused later). */
function toBase64url(value: string): string {
  if (!value.includes('=') && !value.includes('+') && !value.includes('/')) return value;
  const padding = value.length - value.replace(/=+$/, '').length;
  // Padding is exact or absent: "AQAB=" is neither, and stays as it is to be refused.
  if (padding > 0 && value.length % 4 !== 0) return value;
  if (!STANDARD.test(value) && !URL_PADDED.test(value)) return value;
  return value
    .slice(0, value.length - padding)
    .replaceAll('+', '-')
    .replaceAll('/', '_');
}
