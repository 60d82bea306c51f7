import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PublicJwk } from '../../src/lib/jwk.js';
import { portableCrypto } from '../../src/portable.js';
import { makeKey, sign, type TestKey } from '../helpers/keys.js';
import { webCryptoAnswer } from '../helpers/providers.js';

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
];
const encoder = new TextEncoder();

interface Fixture {
  key: TestKey;
  stranger: TestKey;
  data: Uint8Array;
  signature: Uint8Array;
}
const fixtures = new Map<string, Fixture>();
const jwkOf = (key: TestKey) => key.publicJwk as PublicJwk;

beforeAll(async () => {
  for (const alg of ALGORITHMS) {
    const [key, stranger] = await Promise.all([makeKey(`p-${alg}`, alg), makeKey('other', alg)]);
    const token = await sign(key, { alg });
    const last = token.lastIndexOf('.');
    fixtures.set(alg, {
      key,
      stranger,
      data: encoder.encode(token.slice(0, last)),
      signature: new Uint8Array(Buffer.from(token.slice(last + 1), 'base64url')),
    });
  }
}, 60_000);

describe('portableCrypto, one JWS algorithm at a time (keys and tokens made by jose in this run)', () => {
  it.each(ALGORITHMS)(
    '%s: verifies, and refuses tampering and another key, as WebCrypto does',
    async (alg) => {
      const { key, stranger, data, signature } = fixtures.get(alg)!;
      const mine = await portableCrypto.importKey(jwkOf(key), alg);
      const theirs = await portableCrypto.importKey(jwkOf(stranger), alg);
      const cases: [string, unknown, Uint8Array, Uint8Array][] = [
        ['as signed', mine, data, signature],
        ['data altered', mine, Uint8Array.of(...data.subarray(1), 0x41), signature],
        ['signature altered', mine, data, signature.map((b, i) => (i === 5 ? b ^ 0x10 : b))],
        ['signature cut', mine, data, signature.subarray(0, -1)],
        ['signature extended', mine, data, Uint8Array.of(...signature, 0)],
        ['empty signature', mine, data, new Uint8Array()],
        ['another key', theirs, data, signature],
      ];
      for (const [what, imported, bytes, sig] of cases) {
        const answer = await portableCrypto.verify(alg, imported as never, bytes, sig);
        const owner = imported === mine ? key : stranger;
        const web = await webCryptoAnswer(owner.publicJwk, alg, bytes, sig);
        expect(answer, what).toBe(web === true);
        expect(answer, what).toBe(what === 'as signed');
      }
    },
  );

  it('imports RS256 keys at once (no promise), and loads SHA-384/512 and the curves on first use', async () => {
    const rsa = portableCrypto.importKey(jwkOf(fixtures.get('RS256')!.key), 'RS256');
    expect(rsa).not.toBeInstanceOf(Promise);
    expect(portableCrypto.importKey(jwkOf(fixtures.get('ES256')!.key), 'ES256')).toBeInstanceOf(
      Promise,
    );
    expect(portableCrypto.importKey(jwkOf(fixtures.get('EdDSA')!.key), 'EdDSA')).toBeInstanceOf(
      Promise,
    );
  });

  it('refuses to verify with a key imported for another algorithm', async () => {
    const { key, data, signature } = fixtures.get('RS256')!;
    const imported = await portableCrypto.importKey(jwkOf(key), 'RS256');
    expect(() => portableCrypto.verify('PS256', imported, data, signature)).toThrow(
      /imported for RS256/,
    );
  });
});

describe('portableCrypto.importKey refuses what it cannot use', () => {
  const importing = async (jwk: Record<string, unknown>, alg: string) => {
    try {
      await portableCrypto.importKey(jwk as unknown as PublicJwk, alg);
    } catch (error) {
      return error as Error;
    }
    throw new Error(`${alg}: the key was imported`);
  };

  it('throws a TypeError (ERR_KEY_INVALID for the verifier) for a key that does not suit alg', async () => {
    const rsa = fixtures.get('RS256')!.key.publicJwk;
    const p256 = fixtures.get('ES256')!.key.publicJwk;
    const ed = fixtures.get('EdDSA')!.key.publicJwk;
    const offCurve = { ...p256, y: p256.x };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [p256, 'RS256', /RSA key needs/],
      [rsa, 'ES256', /P-256 key needs/],
      [p256, 'ES384', /P-384 key needs/],
      [offCurve, 'ES256', /not on P-256/],
      [rsa, 'EdDSA', /Ed25519 key needs/],
      [{ ...rsa, n: `${rsa.n}+` }, 'RS256', /base64url/],
      [{ ...rsa, e: 'Ag' }, 'RS256', /not a usable public key/],
      [
        {
          ...rsa,
          n: Buffer.from(
            Buffer.from(rsa.n!, 'base64url').map((b, i, a) => (i === a.length - 1 ? b & 0xfe : b)),
          ).toString('base64url'),
        },
        'RS256',
        /not a usable public key/,
      ],
      [{ ...ed, x: Buffer.alloc(32).toString('base64url') }, 'EdDSA', /small-order|canonical/],
    ];
    for (const [jwk, alg, message] of cases) {
      const error = await importing(jwk, alg);
      expect(error, `${alg} ${message}`).toBeInstanceOf(TypeError);
      expect(error.message).toMatch(message);
    }
  });

  it('names algorithms and curves it lacks NotSupportedError (ERR_ALG_NOT_ALLOWED)', async () => {
    const ed448 = { kty: 'OKP', crv: 'Ed448', x: Buffer.alloc(57, 1).toString('base64url') };
    for (const [jwk, alg] of [
      [ed448, 'EdDSA'],
      [fixtures.get('RS256')!.key.publicJwk, 'HS256'],
      [fixtures.get('RS256')!.key.publicJwk, 'ML-DSA-44'],
    ] as const) {
      const error = await importing(jwk as Record<string, unknown>, alg);
      expect(error.name).toBe('NotSupportedError');
      expect(error.message).toMatch(/portableCrypto does not verify/);
    }
  });
});

describe('portableCrypto.digest', () => {
  // FIPS 180-2 appendix examples: "abc".
  it.each([
    ['SHA-256', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'SHA-384',
      'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    ],
    [
      'SHA-512',
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    ],
  ] as const)(
    '%s of "abc" is the FIPS 180-2 value, and matches node:crypto at every length',
    async (hash, abc) => {
      expect(
        Buffer.from(await portableCrypto.digest(hash, encoder.encode('abc'))).toString('hex'),
      ).toBe(abc);
      for (const length of [0, 1, 55, 56, 63, 64, 111, 112, 127, 128, 1000]) {
        const data = new Uint8Array(randomBytes(length));
        const expected = createHash(hash.replace('-', '').toLowerCase()).update(data).digest();
        expect(Buffer.from(await portableCrypto.digest(hash, data))).toEqual(expected);
      }
    },
  );

  it('names any other hash NotSupportedError', () => {
    expect(() => portableCrypto.digest('SHA-1' as never, new Uint8Array())).toThrow(
      /does not verify the hash SHA-1/,
    );
  });
});
