import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, isVerificationError, localJwks } from '../../src/index.js';
import type { SignatureProvider } from '../../src/crypto/provider.js';
import { portableCrypto } from '../../src/portable.js';
import {
  AUDIENCE,
  ISSUER,
  makeKey,
  sign,
  signRaw,
  withPart,
  type TestKey,
} from '../helpers/keys.js';

// One corpus of tokens and key sets through createVerifier twice: with the default provider
// (WebCrypto, or node:crypto where the Node build swaps it in) and with portableCrypto. Every
// case must end the same way: the same payload, or the same code and the same message.
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

interface Case {
  what: string;
  keys: unknown[];
  token: string;
  algorithms?: string[];
}

const keys = new Map<string, TestKey>();
const strangers = new Map<string, TestKey>();
beforeAll(async () => {
  for (const alg of ALGORITHMS) {
    keys.set(alg, await makeKey(`k-${alg}`, alg));
    strangers.set(alg, await makeKey(`k-${alg}`, alg)); // the same kid, another key
  }
}, 60_000);

async function tokenCases(alg: string): Promise<Case[]> {
  const key = keys.get(alg)!;
  const set = [key.publicJwk];
  const token = await sign(key);
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const flipped = Buffer.from(signature, 'base64url');
  flipped[3]! ^= 1;
  return [
    { what: 'valid', keys: set, token },
    {
      what: 'payload altered',
      keys: set,
      token: withPart(token, 1, { iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: 4e9 }),
    },
    {
      what: 'signature altered',
      keys: set,
      token: `${header}.${payload}.${flipped.toString('base64url')}`,
    },
    { what: 'signature cut', keys: set, token: `${header}.${payload}.${signature.slice(0, -4)}` },
    { what: 'signature empty', keys: set, token: `${header}.${payload}.` },
    { what: 'another key, same kid', keys: [strangers.get(alg)!.publicJwk], token },
    {
      what: 'expired',
      keys: set,
      token: await sign(key, { exp: Math.floor(Date.now() / 1000) - 60 }),
    },
    {
      what: 'alg not allowed',
      keys: set,
      token,
      algorithms: alg === 'RS256' ? ['ES256'] : ['RS256'],
    },
    {
      what: 'header alg swapped to another family',
      keys: set,
      token: withPart(token, 0, { alg: alg.startsWith('E') ? 'RS256' : 'ES256', kid: key.kid }),
      algorithms: [...ALGORITHMS],
    },
  ];
}

async function keyRuleCases(): Promise<Case[]> {
  const rs = keys.get('RS256')!;
  const es = keys.get('ES256')!;
  const weak = await makeKey('k-RS256', 'RS256', 1024);
  const e3 = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 });
  const token = await sign(rs);
  const esToken = await sign(es);
  const x = Buffer.from(es.publicJwk.x!, 'base64url');
  return [
    {
      what: '1024-bit RSA key',
      keys: [weak.publicJwk],
      token: await signRaw(
        weak,
        { alg: 'RS256', kid: 'k-RS256' },
        JSON.stringify({ iss: ISSUER, aud: AUDIENCE, exp: 4e9 }),
      ),
    },
    {
      what: 'RSA e = 3, someone else',
      keys: [{ ...e3.publicKey.export({ format: 'jwk' }), kid: 'k-RS256' }],
      token,
    },
    { what: 'RSA e = 1', keys: [{ ...rs.publicJwk, e: 'AQ' }], token },
    { what: 'private key in the set', keys: [rs.privateJwk], token },
    {
      what: 'symmetric key in the set',
      keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'k-RS256' }],
      token,
    },
    {
      what: 'EC x one byte short',
      keys: [{ ...es.publicJwk, x: x.subarray(1).toString('base64url') }],
      token: esToken,
    },
    {
      what: 'EC point off the curve',
      keys: [{ ...es.publicJwk, y: es.publicJwk.x }],
      token: esToken,
    },
    {
      what: 'P-256 key for ES384',
      keys: [{ ...es.publicJwk, alg: undefined }],
      token: withPart(esToken, 0, { alg: 'ES384', kid: es.kid }),
      algorithms: ['ES256', 'ES384'],
    },
  ];
}

// Inline keys may be refused at creation (thrown) or at the first verify (rejected): the same here.
async function outcome(provider: SignatureProvider | undefined, c: Case): Promise<unknown> {
  try {
    return await verified(provider, c);
  } catch (error) {
    if (!isVerificationError(error)) return { thrown: String(error) };
    return { code: error.code, message: error.message };
  }
}

async function verified(provider: SignatureProvider | undefined, c: Case): Promise<unknown> {
  const verifier = createVerifier({
    keys: localJwks({ keys: c.keys as JsonWebKey[] }),
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: (c.algorithms ?? [...ALGORITHMS]) as never,
    ...(provider === undefined ? {} : { crypto: provider }),
  });
  return { payload: (await verifier.verify(c.token)).payload };
}

describe('the same corpus through the default provider and portableCrypto', () => {
  it.each(ALGORITHMS)(
    '%s tokens: valid, altered, cut, another key, expired, alg rules',
    async (alg) => {
      for (const c of await tokenCases(alg)) {
        const expected = await outcome(undefined, c);
        expect(await outcome(portableCrypto, c), c.what).toEqual(expected);
        if (c.what === 'valid') expect(expected, c.what).toHaveProperty('payload');
        else expect(expected, c.what).toHaveProperty('code');
      }
    },
  );

  it('key rules: weak, unsafe, private, symmetric, malformed and mismatched keys', async () => {
    for (const c of await keyRuleCases()) {
      const expected = (await outcome(undefined, c)) as { code?: string; message?: string };
      const actual = (await outcome(portableCrypto, c)) as typeof expected;
      expect(expected.code, c.what).toMatch(/^ERR_/);
      expect(actual.code, c.what).toBe(expected.code);
      // Where the provider's own words follow tokenward's ("…tokens: <reason>."), ours must match.
      const ours = (message = '') => message.replace(/(cannot verify \w+ tokens): .*$/, '$1');
      expect(ours(actual.message), c.what).toBe(ours(expected.message));
    }
  });
});
