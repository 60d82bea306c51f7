import { generateKeyPairSync, sign } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import type { PublicJwk } from '../../src/lib/jwk.js';
import { toBigInt } from '../../src/portable/bytes.js';
import { ed25519Check } from '../../src/portable/eddsa.js';
import { webCryptoAnswer } from '../helpers/providers.js';

const { Point } = ed25519;
const L = Point.Fn.ORDER;
const data = new TextEncoder().encode('eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0');
const le = (bytes: Uint8Array) => toBigInt(bytes.slice().reverse());
const leBytes = (value: bigint) => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, value >>= 8n) out[i] = Number(value & 0xffn);
  return out;
};
const x = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const jwk = (bytes: Uint8Array): PublicJwk => ({ kty: 'OKP', crv: 'Ed25519', x: x(bytes) });
// A point of order 8 (the torsion subgroup of edwards25519).
const T8 = Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');

describe('Ed25519 as OpenSSL and BoringSSL check it (RFC 8032 §5.1.7, cofactorless)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const key = publicKey.export({ format: 'jwk' }) as PublicJwk;
  const check = ed25519Check(key);

  it('verifies what node:crypto signs and refuses S + L (malleability)', async () => {
    const signature = new Uint8Array(sign(null, data, privateKey));
    expect(check(data, signature)).toBe(true);
    const malleable = Uint8Array.of(
      ...signature.subarray(0, 32),
      ...leBytes(le(signature.subarray(32)) + L),
    );
    expect(check(data, malleable)).toBe(false);
    expect(await webCryptoAnswer(key, 'EdDSA', data, malleable)).toBe(false);
  });

  it('refuses a signature whose R carries a torsion component, as WebCrypto does (noble alone accepts)', async () => {
    // Signed with the private scalar, R = rB + T8: the cofactored equation holds, the
    // cofactorless one (what every WebCrypto checks) does not.
    const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
    const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(seed);
    const r = 12345678901234567890n;
    const rBytes = Point.BASE.multiply(r).add(T8).toBytes();
    const k = le(sha512(Uint8Array.of(...rBytes, ...pointBytes, ...data))) % L;
    const signature = Uint8Array.of(...rBytes, ...leBytes((r + k * scalar) % L));
    expect(ed25519.verify(signature, data, pointBytes, { zip215: false })).toBe(true); // cofactored
    expect(await webCryptoAnswer(key, 'EdDSA', data, signature)).toBe(false);
    expect(check(data, signature)).toBe(false);
  });

  it('refuses small-order keys at import, with which the all-zero signature proves anything', async () => {
    const identity = leBytes(1n);
    const forged = Uint8Array.of(...identity, ...new Uint8Array(32));
    // What WebCrypto does with the same key (Node 20's OpenSSL here): it takes it, and the forgery.
    expect(await webCryptoAnswer(jwk(identity), 'EdDSA', data, forged)).toBe(true);
    for (const point of [
      identity,
      T8.toBytes(),
      T8.double().toBytes(),
      Point.ZERO.subtract(T8).toBytes(),
    ])
      expect(() => ed25519Check(jwk(point)), x(point)).toThrow(/small-order/);
  });

  it('refuses a non-canonical encoding of x (y >= p) and bytes that are no point', () => {
    const p = 2n ** 255n - 19n;
    expect(() => ed25519Check(jwk(leBytes(p + 3n)))).toThrow(/canonical/);
    expect(() => ed25519Check(jwk(leBytes(2n)))).toThrow(/canonical/); // y = 2 is not on the curve
    expect(() => ed25519Check({ ...key, x: x(new Uint8Array(31)) })).toThrow(/32 bytes/);
  });
});
