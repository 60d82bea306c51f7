import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PublicJwk } from '../../src/lib/jwk.js';
import { toBigInt, toBytes } from '../../src/portable/bytes.js';
import { ecdsaCheck } from '../../src/portable/ecdsa.js';
import { webCryptoAnswer } from '../helpers/providers.js';

const data = new TextEncoder().encode('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0');
const CURVES = [
  [
    'ES256',
    'P-256',
    'sha256',
    32,
    0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  ],
  [
    'ES384',
    'P-384',
    'sha384',
    48,
    0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  ],
  [
    'ES512',
    'P-521',
    'sha512',
    66,
    0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  ],
] as const;

describe.each(CURVES)('%s (ECDSA on %s, JOSE r || s)', (alg, crv, hash, size, order) => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: crv });
  const jwk = publicKey.export({ format: 'jwk' }) as PublicJwk;
  const check = ecdsaCheck(jwk, crv);
  const signature = new Uint8Array(
    sign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
  );

  it('verifies, and takes the high-S twin (n - s) as WebCrypto does: no low-S rule', async () => {
    expect(check(data, signature)).toBe(true);
    const s = toBigInt(signature.subarray(size));
    const twin = Uint8Array.of(...signature.subarray(0, size), ...toBytes(order - s, size)!);
    expect(await webCryptoAnswer(jwk, alg, data, twin)).toBe(true);
    expect(check(data, twin)).toBe(true);
  });

  it('refuses DER, r = 0, s = n, and r || s one byte short', async () => {
    const der = new Uint8Array(sign(hash, data, privateKey));
    const zeroR = Uint8Array.of(...new Uint8Array(size), ...signature.subarray(size));
    const sIsN = Uint8Array.of(...signature.subarray(0, size), ...toBytes(order, size)!);
    for (const wrong of [der, zeroR, sIsN, signature.subarray(1)]) {
      expect(check(data, wrong)).toBe(false);
      expect(await webCryptoAnswer(jwk, alg, data, wrong)).not.toBe(true);
    }
  });
});
