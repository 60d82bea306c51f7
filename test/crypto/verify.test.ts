import { constants, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PublicJwk } from '../../src/lib/jwk.js';
import { SUPPORTED_ALGORITHMS } from '../../src/crypto/algorithms.js';
import { prepareKey, verifyPrepared, type PreparedKey } from '../../src/crypto/prepared-key.js';
import type { SignatureProvider } from '../../src/crypto/provider.js';
import { webCrypto } from '../../src/crypto/webcrypto.js';
import { defaultCrypto } from '../../src/crypto/default-node.js';
import { makeKey, sign, type TestKey } from '../helpers/keys.js';

// Both signature seams, given the same cases: the WebCrypto one every runtime can take and the
// node:crypto one the package's `node` condition builds in (issue 17). Same answers, case by case.
const nodeCrypto = defaultCrypto('test');
const PROVIDERS = [
  ['WebCrypto (src/crypto/webcrypto.ts)', webCrypto as SignatureProvider],
  ['node:crypto (src/crypto/default-node.ts)', nodeCrypto],
] as const;
const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

interface Fixture {
  key: TestKey;
  prepared: Map<SignatureProvider, PreparedKey>;
  other: Map<SignatureProvider, PreparedKey>;
  data: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
}

const encoder = new TextEncoder();
const fixtures = new Map<string, Fixture>();
const bytes = (from: Uint8Array | Buffer) => new Uint8Array(from) as Uint8Array<ArrayBuffer>;
const flip = (from: Uint8Array, at: number) => {
  const copy = bytes(from);
  copy[at]! ^= 0x01;
  return copy;
};

const preparedBy = async (jwk: PublicJwk, alg: string) =>
  new Map(
    await Promise.all(
      PROVIDERS.map(
        async ([, provider]) => [provider, await prepareKey(provider, jwk, alg)] as const,
      ),
    ),
  );

beforeAll(async () => {
  for (const alg of ALGORITHMS) {
    const [key, stranger] = await Promise.all([makeKey(`seam-${alg}`, alg), makeKey('x', alg)]);
    const token = await sign(key, { n: alg });
    const last = token.lastIndexOf('.');
    fixtures.set(alg, {
      key,
      prepared: await preparedBy(key.publicJwk as PublicJwk, alg),
      other: await preparedBy(stranger.publicJwk as PublicJwk, alg),
      data: bytes(encoder.encode(token.slice(0, last))),
      signature: bytes(Buffer.from(token.slice(last + 1), 'base64url')),
    });
  }
}, 60_000);

afterEach(() => vi.restoreAllMocks());

describe.each(PROVIDERS)('%s', (_, provider) => {
  const verifySignature = async (
    prepared: PreparedKey,
    data: Uint8Array<ArrayBuffer>,
    signature: Uint8Array<ArrayBuffer>,
  ) => verifyPrepared(prepared, data, signature);
  const mine = (fixture: Fixture) => ({
    ...fixture,
    prepared: fixture.prepared.get(provider)!,
    other: fixture.other.get(provider)!,
  });
  describe.each(ALGORITHMS)('%s', (alg) => {
    const fixture = () => mine(fixtures.get(alg)!);

    it('accepts the signature of the signing input', async () => {
      const { prepared, data, signature } = fixture();
      expect(await verifySignature(prepared, data, signature)).toBe(true);
      // The second check of a key reuses what the first prepared.
      expect(await verifySignature(prepared, data, signature)).toBe(true);
    });

    it('refuses a tampered signing input, and a signature with one bit flipped', async () => {
      const { prepared, data, signature } = fixture();
      expect(await verifySignature(prepared, flip(data, data.length - 1), signature)).toBe(false);
      expect(await verifySignature(prepared, data, flip(signature, 0))).toBe(false);
      expect(await verifySignature(prepared, data, flip(signature, signature.length - 1))).toBe(
        false,
      );
    });

    it('refuses a signature of the wrong length (short, long, empty) without throwing', async () => {
      const { prepared, data, signature } = fixture();
      const longer = bytes(Buffer.concat([signature, Buffer.from([0])]));
      for (const wrong of [signature.subarray(1), longer, bytes(new Uint8Array(0))])
        expect(await verifySignature(prepared, data, wrong)).toBe(false);
    });

    it('refuses a signature made by another key', async () => {
      const { other, data, signature } = fixture();
      expect(await verifySignature(other, data, signature)).toBe(false);
    });

    it('refuses bytes of the right length that are no signature at all (all 0x00, all 0xff)', async () => {
      const { prepared, data, signature } = fixture();
      for (const fill of [0x00, 0xff])
        expect(
          await verifySignature(prepared, data, bytes(Buffer.alloc(signature.length, fill))),
        ).toBe(false);
    });
  });

  it('PS256: refuses a signature whose salt is not as long as the hash (RFC 7518 §3.5)', async () => {
    const { key, prepared, data } = mine(fixtures.get('PS256')!);
    const privateKey = createPrivateKey({ key: key.privateJwk as never, format: 'jwk' });
    for (const saltLength of [0, 20, 64]) {
      const signature = nodeSign('sha256', data, {
        key: privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength,
      });
      expect(await verifySignature(prepared, data, bytes(signature)), `salt ${saltLength}`).toBe(
        false,
      );
    }
    const right = nodeSign('sha256', data, {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
    expect(await verifySignature(prepared, data, bytes(right))).toBe(true);
  });

  it('ES256: refuses a DER-encoded signature (JWS wants r || s, RFC 7518 §3.4)', async () => {
    const { key, prepared, data } = mine(fixtures.get('ES256')!);
    const privateKey = createPrivateKey({ key: key.privateJwk as never, format: 'jwk' });
    const der = nodeSign('sha256', data, privateKey);
    expect(await verifySignature(prepared, data, bytes(der))).toBe(false);
    const p1363 = nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    expect(await verifySignature(prepared, data, bytes(p1363))).toBe(true);
  });
});

// A new entry in crypto/algorithms.ts fails here until the node:crypto provider has its parameters.
describe.each(SUPPORTED_ALGORITHMS)('every supported algorithm: %s', (alg) => {
  it('verifies alike on both seams, and refuses a flipped bit alike', async () => {
    const key = await makeKey(`all-${alg}`, alg);
    const token = await sign(key);
    const last = token.lastIndexOf('.');
    const data = bytes(encoder.encode(token.slice(0, last)));
    const signature = bytes(Buffer.from(token.slice(last + 1), 'base64url'));
    for (const [, provider] of PROVIDERS) {
      const prepared = await prepareKey(provider, key.publicJwk as PublicJwk, alg);
      expect(await verifyPrepared(prepared, data, signature)).toBe(true);
      expect(await verifyPrepared(prepared, data, flip(signature, 1))).toBe(false);
    }
  });
});

describe('each seam checks on its own path', () => {
  it('WebCrypto asks crypto.subtle.verify; node:crypto never does', async () => {
    const spy = vi.spyOn(crypto.subtle, 'verify');
    const { prepared, data, signature } = fixtures.get('RS256')!;
    expect(
      await verifyPrepared(prepared.get(webCrypto as SignatureProvider)!, data, signature),
    ).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(await verifyPrepared(prepared.get(nodeCrypto)!, data, signature)).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('the node:crypto provider answers within the same turn, without a promise', () => {
    const { prepared, data, signature } = fixtures.get('ES256')!;
    expect(verifyPrepared(prepared.get(nodeCrypto)!, data, signature)).toBe(true);
  });
});
