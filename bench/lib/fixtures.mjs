// Keys and tokens for every scenario, made with jose in Node and handed to the contenders (and to
// the Chromium page) as plain data.
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { AUDIENCE, ISSUER } from './contenders.mjs';

export { AUDIENCE, ISSUER };

/** A fresh key pair (RS256: 2048-bit modulus, jose's default) and its public JWK and PEM. */
export async function makeKey(kid, alg = 'RS256') {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    kid,
    alg,
    privateKey,
    publicKey,
    jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    spki: await exportSPKI(publicKey),
  };
}

/** `count` distinct tokens (claim `n` differs), valid for an hour. */
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
