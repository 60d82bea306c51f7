import { constants, createHash, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { toBytes } from '../../src/portable/bytes.js';
import { loadHash, type Hash } from '../../src/portable/hash.js';
import { emsaPssVerify, mgf1, verifyPss } from '../../src/portable/pss.js';
import { rsaVerifyPrimitive } from '../../src/portable/rsa-key.js';
import { rawRsa, type RawRsa } from '../helpers/raw-rsa.js';

const hashes = new Map<string, Hash>();
const hashOf = (name: string) => hashes.get(name)!;
beforeAll(async () => {
  for (const name of ['SHA-256', 'SHA-384', 'SHA-512']) hashes.set(name, await loadHash(name));
});

const data = new TextEncoder().encode('eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiIxIn0');
const pssSign = (raw: RawRsa, hash: string, saltLength: number) =>
  new Uint8Array(
    sign(hash, data, { key: raw.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }),
  );

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) for a 2048-bit key with SHA-256, MGF1 over `mgfHash`. */
function encodeWithMgf(mgfHash: string): Uint8Array {
  const sha256 = hashOf('SHA-256');
  const salt = new Uint8Array(32).fill(7);
  const h = sha256.digest(Uint8Array.of(...new Uint8Array(8), ...sha256.digest(data), ...salt));
  const db = Uint8Array.of(...new Uint8Array(256 - 32 - 32 - 2), 0x01, ...salt);
  const mask = mgf1(hashOf(mgfHash), h, db.length);
  const masked = db.map((byte, i) => byte ^ mask[i]!);
  masked[0]! &= 0x7f;
  return Uint8Array.of(...masked, ...h, 0xbc);
}

let rsa: RawRsa;
let odd: RawRsa; // 2049 bits: the encoded message is one byte shorter than the modulus
let even: RawRsa; // 2056 bits: emBits = 2055, the top bit of EM is masked
beforeAll(() => {
  [rsa, odd, even] = [rawRsa(2048), rawRsa(2049), rawRsa(2056)];
});

describe('RSASSA-PSS (RFC 8017 §8.1.2, §9.1.2) as JWS uses it', () => {
  it.each([
    ['SHA-256', 32, 'sha256'],
    ['SHA-384', 48, 'sha384'],
    ['SHA-512', 64, 'sha512'],
  ])('verifies %s (MGF1 over the same hash, a salt of %i bytes)', (name, salt, node) => {
    for (const key of [rsa, odd, even]) {
      const signature = pssSign(key, node as string, salt as number);
      expect(verifyPss(key.key, hashOf(name), data, signature)).toBe(true);
      signature[signature.length - 1]! ^= 1;
      expect(verifyPss(key.key, hashOf(name), data, signature)).toBe(false);
    }
  });

  it('refuses other salt lengths and another MGF1 hash, which JWS does not allow', () => {
    const sha256 = hashOf('SHA-256');
    for (const signature of [
      pssSign(rsa, 'sha256', 0),
      pssSign(rsa, 'sha256', 20),
      pssSign(rsa, 'sha256', 64),
    ])
      expect(verifyPss(rsa.key, sha256, data, signature)).toBe(false);
    expect(verifyPss(rsa.key, sha256, data, rsa.signBlock(encodeWithMgf('SHA-256')))).toBe(true);
    expect(verifyPss(rsa.key, sha256, data, rsa.signBlock(encodeWithMgf('SHA-384')))).toBe(false);
  });

  it('refuses a wrong trailer byte, set top bits, a broken 01 separator and "integer too large"', () => {
    const sha256 = hashOf('SHA-256');
    const em = toBytes(rsaVerifyPrimitive(rsa.key, pssSign(rsa, 'sha256', 32))!, 256)!;
    expect(emsaPssVerify(sha256, sha256.digest(data), em, 2047, 32)).toBe(true);
    const changed = (at: number, value: number) => {
      const copy = Uint8Array.from(em);
      copy[at] = value;
      return copy;
    };
    expect(emsaPssVerify(sha256, sha256.digest(data), changed(255, 0xbd), 2047, 32)).toBe(false);
    expect(emsaPssVerify(sha256, sha256.digest(data), changed(0, em[0]! | 0x80), 2047, 32)).toBe(
      false,
    );
    // DB = PS || 01 || salt: flip the 01 through the mask
    const separator = 256 - 32 - 1 - 32 - 1;
    expect(
      emsaPssVerify(sha256, sha256.digest(data), changed(separator, em[separator]! ^ 1), 2047, 32),
    ).toBe(false);
    expect(emsaPssVerify(sha256, sha256.digest(data), em.subarray(0, 32 + 32 + 1), 2047, 32)).toBe(
      false,
    );
    // For a 2049-bit key EM has 256 bytes, the modulus 257: a recovered m of 257 bytes is invalid.
    const big = Uint8Array.of(0x01, ...new Uint8Array(256));
    expect(verifyPss(odd.key, sha256, data, odd.signBlock(big))).toBe(false);
  });

  it('computes MGF1 as RFC 8017 §B.2.1 does (checked against node:crypto hashes)', () => {
    const seed = Uint8Array.of(1, 2, 3);
    const expected = Buffer.concat(
      [0, 1, 2].map((c) =>
        createHash('sha256')
          .update(Buffer.from([1, 2, 3, 0, 0, 0, c]))
          .digest(),
      ),
    );
    expect(mgf1(hashOf('SHA-256'), seed, 70)).toEqual(new Uint8Array(expected.subarray(0, 70)));
  });
});
