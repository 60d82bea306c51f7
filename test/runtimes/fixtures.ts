import { UnsecuredJWT } from 'jose';
import { KeyServer } from '../helpers/key-server.js';
import { AUDIENCE, decodePart, ISSUER, makeKey, sign, withPart } from '../helpers/keys.js';
import { ed448Signed, ML_DSA, mlDsaSigned, type SignedBy } from '../helpers/signers.js';

export interface ScenarioInput {
  keyServer: string;
  issuer: string;
  audience: string;
  tokens: Record<string, string>;
  /** Per algorithm: a valid token and three that must fail the signature check (see below). */
  algorithms: Record<string, Record<SignatureCase, string>>;
  /** Per row of the algorithm-support table: the token's `alg`, a valid token, a flipped one. */
  support: Record<string, SupportCase>;
}

export interface SupportCase {
  alg: string;
  valid: string;
  flipped: string;
}

/** The rows of the algorithm-support table (docs/algorithm-support.md), in order. */
export const SUPPORT_ROWS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA (Ed25519 key)',
  'EdDSA (Ed448 key)',
  'Ed25519',
  'Ed448',
  ...ML_DSA,
] as const;

/** The signature cases every runtime checks on the path it takes (node:crypto or WebCrypto). */
export type SignatureCase = 'valid' | 'flipped' | 'short' | 'wrongKey';
export const SIGNATURE_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** A key server on 127.0.0.1 serving JWKS, discovery and PEM, and the tokens the scenario checks. */
export async function startScenarioServer(): Promise<{ server: KeyServer; input: ScenarioInput }> {
  const server = await new KeyServer().start();
  const [key, stranger] = await Promise.all([makeKey('rt-1'), makeKey('rt-unknown')]);
  server.json('/jwks', { keys: [key.publicJwk] });
  const [algorithms, support] = await Promise.all([signatureCases(server), supportCases(server)]);
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
    input: {
      keyServer: server.url,
      issuer: ISSUER,
      audience: AUDIENCE,
      tokens,
      algorithms,
      support,
    },
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

const flip = (token: string): string => {
  const signature = Buffer.from(token.split('.')[2]!, 'base64url');
  signature[signature.length >> 1]! ^= 0x01;
  return withPart(token, 2, signature.toString('base64url'));
};

/**
 * One key per row of the support table, served at /jwks-support, and a valid and a flipped token
 * for each. jose signs what Node 20 has; Ed448 is signed by node:crypto, ML-DSA by jose in Bun.
 */
async function supportCases(server: KeyServer): Promise<Record<string, SupportCase>> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'support', iat: now, exp: now + 3600 };
  const signed: Record<string, SignedBy & { alg: string }> = {};
  const viaJose = async (row: string, alg: string, keyAlg = alg) => {
    const key = await makeKey(`sup-${row}`, keyAlg);
    const valid = await sign(key, claims, { alg });
    signed[row] = { alg, publicJwk: key.publicJwk, privateJwk: {}, valid, wrongKey: '' };
  };
  await Promise.all(SUPPORT_ROWS.slice(0, 9).map((alg) => viaJose(alg, alg)));
  await viaJose('EdDSA (Ed25519 key)', 'EdDSA');
  await viaJose('Ed25519', 'Ed25519');
  signed['EdDSA (Ed448 key)'] = {
    alg: 'EdDSA',
    ...ed448Signed('sup-EdDSA-Ed448', 'EdDSA', claims),
  };
  signed.Ed448 = { alg: 'Ed448', ...ed448Signed('sup-Ed448', 'Ed448', claims) };
  for (const [alg, cases] of Object.entries(await mlDsaSigned(claims)))
    signed[alg] = { alg, ...cases };
  server.json('/jwks-support', { keys: SUPPORT_ROWS.map((row) => signed[row]!.publicJwk) });
  return Object.fromEntries(
    SUPPORT_ROWS.map((row) => {
      const { alg, valid } = signed[row]!;
      return [row, { alg, valid, flipped: flip(valid) }];
    }),
  );
}

/** The check rows of the scenario (its "signature path" row comes on top). */
export const EXPECTED_ROWS = 8 + 4 * SIGNATURE_ALGORITHMS.length;
