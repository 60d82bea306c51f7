import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { createHash, randomUUID } from 'node:crypto';

export interface ProofKey {
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  jkt: string;
}

/** A DPoP key pair made in this test run, with its RFC 7638 thumbprint. */
export async function makeProofKey(alg = 'ES256'): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const { kty, crv, x, y, n, e } = await exportJWK(publicKey);
  const publicJwk = Object.fromEntries(
    Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined),
  ) as JWK;
  return { alg, privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk) };
}

export const ath = (token: string): string =>
  createHash('sha256').update(token).digest('base64url');

/** Signs a proof as a client would; `claims` and `header` override or (as undefined) remove. */
export async function makeProof(
  key: ProofKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
  signWith: CryptoKey = key.privateKey,
): Promise<string> {
  const payload: Record<string, unknown> = {
    jti: randomUUID(),
    iat: Math.floor(Date.now() / 1000),
    ...claims,
  };
  for (const [name, value] of Object.entries(payload))
    if (value === undefined) delete payload[name];
  const protectedHeader: Record<string, unknown> = {
    typ: 'dpop+jwt',
    alg: key.alg,
    jwk: key.publicJwk,
    ...header,
  };
  for (const [name, value] of Object.entries(protectedHeader))
    if (value === undefined) delete protectedHeader[name];
  return new SignJWT(payload).setProtectedHeader(protectedHeader as never).sign(signWith);
}
