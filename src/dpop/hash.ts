import { encodeBase64url } from '../lib/base64url.js';

const encoder = new TextEncoder();

/** `ath` (RFC 9449 §4.2): base64url of the SHA-256 of the ASCII access token. */
export async function accessTokenHash(accessToken: string): Promise<string> {
  return encodeBase64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(accessToken))),
  );
}

/** A random `jti` or nonce: 128 bits, base64url (RFC 9449 §11.1 wants it unguessable). */
export function randomId(bytes = 16): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(bytes)));
}
