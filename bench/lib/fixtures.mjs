import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const ISSUER = 'https://issuer.bench';
export const AUDIENCE = 'bench';

export async function makeKey(kid, alg = 'RS256') {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    kid,
    alg,
    privateKey,
    publicKey,
    jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  };
}

export async function makeTokens(key, count, extra = {}) {
  const now = Math.floor(Date.now() / 1000);
  const tokens = [];
  for (let i = 0; i < count; i++) {
    tokens.push(
      await new SignJWT({ n: i, ...extra })
        .setProtectedHeader({ alg: key.alg, kid: key.kid })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(`user-${i}`)
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(key.privateKey),
    );
  }
  return tokens;
}

/** The floor: crypto.subtle.verify with a pre-imported key over pre-split signing input and signature. */
export function floorInputs(tokens) {
  const encoder = new TextEncoder();
  return tokens.map((token) => {
    const last = token.lastIndexOf('.');
    return {
      data: encoder.encode(token.slice(0, last)),
      signature: Buffer.from(token.slice(last + 1), 'base64url'),
    };
  });
}
