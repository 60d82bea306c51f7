import { createHash, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { toBigInt, toBytes } from '../../src/portable/bytes.js';
import { loadHash, type Hash } from '../../src/portable/hash.js';
import { pkcs1Block, verifyPkcs1 } from '../../src/portable/pkcs1.js';
import { rsaVerifyPrimitive } from '../../src/portable/rsa-key.js';
import { rawRsa, type RawRsa } from '../helpers/raw-rsa.js';

const hashes = new Map<string, Hash>();
const hashOf = (name: string) => hashes.get(name)!;
beforeAll(async () => {
  for (const name of ['SHA-256', 'SHA-384', 'SHA-512']) hashes.set(name, await loadHash(name));
});

const data = new TextEncoder().encode('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0');
const digest = new Uint8Array(createHash('sha256').update(data).digest());
const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s/g, ''), 'hex'));
const DIGEST_INFO = hex('3031300d060960864801650304020105000420');

let rsa: RawRsa;
let e3: RawRsa;
beforeAll(() => {
  rsa = rawRsa(2048);
  e3 = rawRsa(2048, 3);
});

/** 00 01 <padding> 00 <rest>, `length` bytes: a block of the attacker's choosing. */
const block = (padding: Uint8Array, rest: Uint8Array, length = 256) => {
  const out = new Uint8Array(length);
  out.set([0x00, 0x01, ...padding, 0x00, ...rest]);
  return out;
};
const ff = (count: number) => new Uint8Array(count).fill(0xff);

describe('EMSA-PKCS1-v1_5: the whole expected block, compared byte for byte', () => {
  let sha256: Hash;
  beforeAll(() => {
    sha256 = hashOf('SHA-256');
  });

  it('builds the RFC 8017 §9.2 block that node:crypto signs', () => {
    const expected = pkcs1Block(sha256, digest, 256)!;
    expect(expected).toEqual(block(ff(256 - 3 - 51), Uint8Array.of(...DIGEST_INFO, ...digest)));
    const signature = new Uint8Array(sign('sha256', data, rsa.privateKey));
    expect(toBytes(rsaVerifyPrimitive(rsa.key, signature)!, 256)).toEqual(expected);
    expect(verifyPkcs1(rsa.key, sha256, data, signature)).toBe(true);
  });

  it('refuses blocks a parsing verifier might take (CVE-2022-24771/24772, BERserk)', () => {
    const t = Uint8Array.of(...DIGEST_INFO, ...digest);
    const forged = {
      'garbage after the hash': block(ff(256 - 3 - 51 - 8), Uint8Array.of(...t, ...ff(8))),
      'padding shortened to 7 bytes, zeros after': block(ff(7), t),
      'padding of 0x01 bytes': block(new Uint8Array(256 - 54).fill(1), t),
      'block type 02': Uint8Array.of(0, 2, ...ff(256 - 54), 0, ...t),
      'DigestInfo without the NULL': block(
        ff(256 - 3 - 49),
        Uint8Array.of(...hex('302f300b0609608648016503040201 0420'), ...digest),
      ),
      'DigestInfo length in long form (BER)': block(
        ff(256 - 3 - 52),
        Uint8Array.of(...hex('308131300d060960864801650304020105000420'), ...digest),
      ),
      'SHA-384 OID with a SHA-256 hash': block(
        ff(256 - 3 - 51),
        Uint8Array.of(...hex('3031300d060960864801650304020205000420'), ...digest),
      ),
      'garbage in the NULL parameters': block(
        ff(256 - 3 - 53),
        Uint8Array.of(...hex('3033300f060960864801650304020105020000 0420'), ...digest),
      ),
    };
    for (const [what, em] of Object.entries(forged)) {
      expect(em.length, what).toBe(256);
      expect(verifyPkcs1(rsa.key, sha256, data, rsa.signBlock(em)), what).toBe(false);
    }
  });

  it("refuses Bleichenbacher's e = 3 forgery, a cube root with garbage below the hash", () => {
    // 00 01 FF 00 DigestInfo H, then anything: s = cube root, made without the private key.
    const prefix = Uint8Array.of(0x00, 0x01, 0xff, 0x00, ...DIGEST_INFO, ...digest);
    const target = toBigInt(Uint8Array.of(...prefix, ...ff(256 - prefix.length)));
    const signature = toBytes(cubeRoot(target), 256)!;
    const recovered = toBytes(rsaVerifyPrimitive(e3.key, signature)!, 256)!;
    expect(recovered.subarray(0, prefix.length)).toEqual(prefix); // what a lenient parser takes
    expect(verifyPkcs1(e3.key, sha256, data, signature)).toBe(false);
    // …while e = 3 keys still verify what their holder signs.
    expect(
      verifyPkcs1(e3.key, sha256, data, new Uint8Array(sign('sha256', data, e3.privateKey))),
    ).toBe(true);
  });

  it('refuses a signature of the wrong length, s = n and s > n', () => {
    const signature = new Uint8Array(sign('sha256', data, rsa.privateKey));
    const n = toBytes(rsa.key.n, 256)!;
    for (const wrong of [
      signature.subarray(1),
      Uint8Array.of(0, ...signature),
      n,
      toBytes(rsa.key.n + 1n, 256)!,
    ])
      expect(verifyPkcs1(rsa.key, sha256, data, wrong)).toBe(false);
  });

  it('has no block for a modulus too short for the hash and 8 bytes of padding', () => {
    expect(pkcs1Block(sha256, digest, 51 + 11)).toBeDefined();
    expect(pkcs1Block(sha256, digest, 51 + 10)).toBeUndefined();
  });
});

function cubeRoot(value: bigint): bigint {
  let x = 1n << BigInt(Math.ceil(value.toString(2).length / 3));
  for (;;) {
    const next = (2n * x + value / (x * x)) / 3n;
    if (next >= x) return x;
    x = next;
  }
}
