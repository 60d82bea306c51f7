import { UnsecuredJWT } from 'jose';
import { KeyServer } from '../helpers/key-server.js';
import { AUDIENCE, decodePart, ISSUER, makeKey, sign, withPart } from '../helpers/keys.js';

export interface ScenarioInput {
  keyServer: string;
  issuer: string;
  audience: string;
  tokens: Record<string, string>;
  /** Per algorithm: a valid token and three that must fail the signature check (see below). */
  algorithms: Record<string, Record<SignatureCase, string>>;
}

/** The signature cases every runtime checks on the path it takes (node:crypto or WebCrypto). */
export type SignatureCase = 'valid' | 'flipped' | 'short' | 'wrongKey';
export const SIGNATURE_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** A key server on 127.0.0.1 serving JWKS, discovery and PEM, and the tokens the scenario checks. */
export async function startScenarioServer(): Promise<{ server: KeyServer; input: ScenarioInput }> {
  const server = await new KeyServer().start();
  const [key, stranger] = await Promise.all([makeKey('rt-1'), makeKey('rt-unknown')]);
  server.json('/jwks', { keys: [key.publicJwk] });
  const algorithms = await signatureCases(server);
  server.json('/.well-known/openid-configuration', {
    issuer: server.url,
    jwks_uri: `${server.url}/jwks`,
  });
  server.routes.set('/rs256.pub', { body: key.publicPem, type: 'application/x-pem-file' });
  const now = Math.floor(Date.now() / 1000);
  const valid = await sign(key, { exp: now + 3600 });
  const tokens = {
    valid,
    tampered: withPart(valid, 1, { ...decodePart(valid, 1), sub: 'admin' }),
    expired: await sign(key, { iat: now - 7200, exp: now - 3600 }),
    none: new UnsecuredJWT({ iss: ISSUER, aud: AUDIENCE, exp: now + 3600 }).encode(),
    unknownKid: await sign(stranger),
    fromDiscoveryIssuer: await sign(key, { iss: server.url, exp: now + 3600 }),
  };
  return {
    server,
    input: { keyServer: server.url, issuer: ISSUER, audience: AUDIENCE, tokens, algorithms },
  };
}

/**
 * One key per algorithm, served at /jwks-algorithms, and per algorithm: a valid token, one with a
 * bit of its signature flipped, one whose signature lost its last byte (a wrong length), and one
 * signed by another key under the served key's kid.
 */
async function signatureCases(server: KeyServer): Promise<ScenarioInput['algorithms']> {
  const cases: ScenarioInput['algorithms'] = {};
  const keys = [];
  for (const alg of SIGNATURE_ALGORITHMS) {
    const [key, other] = await Promise.all([makeKey(`rt-${alg}`, alg), makeKey(`rt-${alg}`, alg)]);
    keys.push(key.publicJwk);
    const valid = await sign(key);
    const signature = Buffer.from(valid.split('.')[2]!, 'base64url');
    const flipped = Buffer.from(signature);
    flipped[flipped.length >> 1]! ^= 0x01;
    cases[alg] = {
      valid,
      flipped: withPart(valid, 2, flipped.toString('base64url')),
      short: withPart(valid, 2, signature.subarray(0, -1).toString('base64url')),
      wrongKey: await sign(other),
    };
  }
  server.json('/jwks-algorithms', { keys });
  return cases;
}

/** The check rows of the scenario (its "signature path" row comes on top). */
export const EXPECTED_ROWS = 8 + 4 * SIGNATURE_ALGORITHMS.length;
