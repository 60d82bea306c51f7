import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, localJwks, type Algorithm } from '../../src/index.js';
import type { SignatureProvider } from '../../src/crypto/provider.js';
import { webCrypto } from '../../src/crypto/webcrypto.js';
import { defaultCrypto } from '../../src/crypto/default-node.js';
import { codeOf, refusal } from '../helpers/outcome.js';
import { AUDIENCE, ISSUER, makeKey, sign, withPart, type TestKey } from '../helpers/keys.js';
import { ed448Signed, ML_DSA, mlDsaSigned, type SignedBy } from '../helpers/signers.js';

// Ed448 and ML-DSA (issue 21), opt-in, on both providers of this machine's Node: Ed448 verified
// by both, ML-DSA refused as ERR_ALG_UNSUPPORTED where the runtime lacks it (Node 20).
const PROVIDERS = [
  ['WebCrypto', webCrypto as SignatureProvider],
  ['node:crypto', defaultCrypto('test')],
] as const;

const now = Math.floor(Date.now() / 1000);
const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'pq', iat: now, exp: now + 600 };
let ed448: SignedBy;
let ed448AsEdDsa: SignedBy;
let ed25519: TestKey;
let mlDsa: Record<string, SignedBy>;
let hasMlDsa: boolean;

beforeAll(async () => {
  ed448 = ed448Signed('ed448', 'Ed448', claims);
  ed448AsEdDsa = ed448Signed('ed448-eddsa', 'EdDSA', claims);
  [ed25519, mlDsa] = await Promise.all([makeKey('ed25519', 'EdDSA'), mlDsaSigned(claims)]);
  const { pub } = mlDsa['ML-DSA-44']!.publicJwk as { pub: string };
  const jwk = { kty: 'AKP', alg: 'ML-DSA-44', pub } as JsonWebKey;
  hasMlDsa = await crypto.subtle
    .importKey('jwk', jwk, { name: 'ML-DSA-44' }, false, ['verify'])
    .then(
      () => true,
      () => false,
    );
}, 60_000);

const flipped = (token: string) => {
  const signature = Buffer.from(token.split('.')[2]!, 'base64url');
  signature[signature.length >> 1]! ^= 1;
  return withPart(token, 2, signature.toString('base64url'));
};

const verifierOf = (keys: object[], algorithms: Algorithm[], provider: SignatureProvider) =>
  createVerifier({
    keys: localJwks({ keys }),
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms,
    crypto: provider,
  });

describe.each(PROVIDERS)('Ed448 (%s)', (_, provider) => {
  it('verifies Ed448, and EdDSA with an Ed448 key (the key decides the curve)', async () => {
    const verifier = verifierOf(
      [ed448.publicJwk, ed448AsEdDsa.publicJwk, ed25519.publicJwk],
      ['Ed448', 'EdDSA'],
      provider,
    );
    expect((await verifier.verify(ed448.valid)).header.alg).toBe('Ed448');
    expect((await verifier.verify(ed448AsEdDsa.valid)).header.alg).toBe('EdDSA');
    expect((await verifier.verify(await sign(ed25519))).header.alg).toBe('EdDSA');
    for (const token of [ed448.valid, ed448AsEdDsa.valid, ed448.wrongKey]) {
      const bad = token === ed448.wrongKey ? token : flipped(token);
      expect(await codeOf(verifier.verify(bad))).toBe('ERR_SIGNATURE_INVALID');
    }
  });

  it('keeps Ed25519 and Ed448 to their own curve, and both opt-in', async () => {
    const keys = [{ ...ed448.publicJwk, alg: undefined, kid: 'k' }, ed25519.publicJwk];
    const onlyEd25519 = verifierOf(keys, ['Ed25519'], provider);
    const asEd25519 = withPart(ed448.valid, 0, { alg: 'Ed25519', kid: 'k' });
    expect(await codeOf(onlyEd25519.verify(asEd25519))).toBe('ERR_KEY_NOT_FOUND');
    // An Ed25519 signature relabelled Ed448: no Ed448 key bears that kid, so none is tried.
    const onlyEd448 = verifierOf(keys, ['Ed448'], provider);
    const asEd448 = withPart(await sign(ed25519), 0, { alg: 'Ed448', kid: 'ed25519' });
    expect(await codeOf(onlyEd448.verify(asEd448))).toBe('ERR_KEY_NOT_FOUND');
    const byDefault = createVerifier({
      keys: localJwks({ keys }),
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    expect(await codeOf(byDefault.verify(ed448.valid))).toBe('ERR_ALG_NOT_ALLOWED');
  });
});

describe.each(PROVIDERS)('ML-DSA (%s)', (name, provider) => {
  const keys = () => ML_DSA.map((alg) => mlDsa[alg]!.publicJwk);

  it.each(ML_DSA)(
    '%s: verified where the runtime has it, else ERR_ALG_UNSUPPORTED naming the provider and the way out',
    async (alg) => {
      const verifier = verifierOf(keys(), [...ML_DSA], provider);
      const { valid, wrongKey } = mlDsa[alg]!;
      if (hasMlDsa) {
        expect((await verifier.verify(valid)).payload.sub).toBe('pq');
        expect(await codeOf(verifier.verify(flipped(valid)))).toBe('ERR_SIGNATURE_INVALID');
        expect(await codeOf(verifier.verify(wrongKey))).toBe('ERR_SIGNATURE_INVALID');
        return;
      }
      for (const token of [valid, flipped(valid), wrongKey]) {
        const error = await refusal(verifier.verify(token));
        expect(error.code).toBe('ERR_ALG_UNSUPPORTED');
        expect(error.message).toContain(`${name} cannot verify ${alg}`);
        expect(error.message).toMatch(/`crypto` provider/);
      }
    },
  );

  it('refuses private AKP material (priv, seed) before support is considered', async () => {
    const { publicJwk, privateJwk } = mlDsa['ML-DSA-44']!;
    for (const bad of [privateJwk, { ...publicJwk, seed: 'AAAA' }]) {
      expect(() => localJwks({ keys: [bad] })).toThrow(/private key \(JWK member "(priv|seed)"\)/);
    }
  });

  it('refuses an AKP key whose pub is not its parameter set’s size; skips one of another alg', async () => {
    const { publicJwk, valid } = mlDsa['ML-DSA-44']!;
    const short = { ...publicJwk, pub: (publicJwk as { pub: string }).pub.slice(0, -4) };
    const error = await refusal(verifierOf([short], [...ML_DSA], provider).verify(valid));
    expect([error.code, error.message]).toEqual([
      'ERR_KEY_INVALID',
      expect.stringContaining('not the ML-DSA-44 size (1312 bytes'),
    ]);
    const unknown = { ...publicJwk, alg: 'SLH-DSA-SHA2-128s' };
    expect(await codeOf(verifierOf([unknown], [...ML_DSA], provider).verify(valid))).toBe(
      'ERR_KEY_NOT_FOUND',
    );
    // An ML-DSA-65 token never uses the ML-DSA-44 key: an AKP key is one algorithm's.
    const as65 = withPart(valid, 0, { alg: 'ML-DSA-65', kid: 'sup-ML-DSA-44' });
    expect(await codeOf(verifierOf([publicJwk], [...ML_DSA], provider).verify(as65))).toBe(
      'ERR_KEY_NOT_FOUND',
    );
  });
});

describe('a provider that lacks an algorithm', () => {
  it('is named in ERR_ALG_UNSUPPORTED, and the token is never called badly signed', async () => {
    const noEd448: SignatureProvider = {
      ...(webCrypto as SignatureProvider),
      name: 'my-hsm',
      importKey(jwk, alg) {
        if (jwk.crv === 'Ed448') throw new DOMException('no Ed448 here', 'NotSupportedError');
        return webCrypto.importKey(jwk, alg);
      },
    };
    const verifier = verifierOf([ed448.publicJwk, ed25519.publicJwk], ['Ed448', 'EdDSA'], noEd448);
    const error = await refusal(verifier.verify(flipped(ed448.valid)));
    expect([error.code, error.message]).toEqual([
      'ERR_ALG_UNSUPPORTED',
      expect.stringMatching(/^my-hsm cannot verify Ed448 in this runtime/),
    ]);
    await expect(verifier.verify(await sign(ed25519))).resolves.toBeTruthy();
  });
});
