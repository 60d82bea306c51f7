import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload, type JWK } from 'jose';

export interface TestKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  privateJwk: JWK;
  publicPem: string;
}

/** A fresh key pair made in this test run; nothing private is ever committed. */
export async function makeKey(kid: string, alg = 'RS256', modulusLength = 2048): Promise<TestKey> {
  const { privateKey, publicKey } =
    modulusLength < 2048 // jose will not make weak keys; WebCrypto will, for the tests that refuse them
      ? ((await crypto.subtle.generateKey(
          {
            name: 'RSASSA-PKCS1-v1_5',
            modulusLength,
            publicExponent: new Uint8Array([1, 0, 1]),
            hash: 'SHA-256',
          },
          true,
          ['sign', 'verify'],
        )) as CryptoKeyPair)
      : await generateKeyPair(alg, { extractable: true, modulusLength });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg };
  return {
    kid,
    alg,
    privateKey,
    publicKey,
    publicJwk,
    privateJwk,
    publicPem: await exportSPKI(publicKey),
  };
}

export const ISSUER = 'https://issuer.test';
export const AUDIENCE = 'tokenward-tests';

/** Signs a token with sensible defaults: valid for 10 minutes, our issuer and audience. */
export async function sign(
  key: TestKey,
  claims: JWTPayload = {},
  header: Record<string, unknown> = {},
  now = Math.floor(Date.now() / 1000),
): Promise<string> {
  const payload: JWTPayload = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    iat: now,
    exp: now + 600,
    ...claims,
  };
  for (const [name, value] of Object.entries(payload))
    if (value === undefined) delete payload[name];
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.privateKey);
}

const SUBTLE_ALG: Record<string, AlgorithmIdentifier | EcdsaParams> = {
  RS256: 'RSASSA-PKCS1-v1_5',
  ES256: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
};

/**
 * Signs raw header and payload JSON with WebCrypto, bypassing jose's own checks: for tokens
 * jose would refuse to make (weak keys, claims of the wrong type, odd JSON).
 */
export async function signRaw(key: TestKey, header: unknown, payloadJson: string): Promise<string> {
  const signingInput = `${b64url(header)}.${Buffer.from(payloadJson).toString('base64url')}`;
  const signature = await crypto.subtle.sign(
    SUBTLE_ALG[key.alg]!,
    key.privateKey,
    new TextEncoder().encode(signingInput),
  );
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

export const b64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/** Replaces one part of a token, keeping the others: how a MITM edits a token. */
export function withPart(token: string, index: 0 | 1 | 2, json: unknown): string {
  const parts = token.split('.');
  parts[index] = typeof json === 'string' ? json : b64url(json);
  return parts.join('.');
}

export function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString());
}
