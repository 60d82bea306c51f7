import { equalBytes, toBytes } from './bytes.js';
import type { Hash } from './hash.js';
import { rsaVerifyPrimitive, type RsaPublicKey } from './rsa-key.js';

// DER of DigestInfo up to the hash value (RFC 8017 §9.2 note 1): SEQUENCE { SEQUENCE { OID
// 2.16.840.1.101.3.4.2.<n>, NULL }, OCTET STRING of hLen bytes }. The NULL parameters are
// included, as every signer writes them.
const SHA2_OID = [0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02];
const digestInfo = (n: number, hLen: number) =>
  Uint8Array.of(0x30, 0x11 + hLen, ...SHA2_OID, n, 0x05, 0x00, 0x04, hLen);
const DIGEST_INFO = new Map([
  ['SHA-256', digestInfo(1, 32)],
  ['SHA-384', digestInfo(2, 48)],
  ['SHA-512', digestInfo(3, 64)],
]);

/**
 * EMSA-PKCS1-v1_5-ENCODE (RFC 8017 §9.2): 00 01 FF..FF 00 || DigestInfo || H, exactly `length`
 * bytes; undefined when the modulus is too short to hold it with 8 bytes of padding.
 */
export function pkcs1Block(hash: Hash, digest: Uint8Array, length: number): Uint8Array | undefined {
  const prefix = DIGEST_INFO.get(hash.name)!;
  const t = prefix.length + digest.length;
  if (length < t + 11) return undefined;
  const block = new Uint8Array(length).fill(0xff, 2, length - t - 1);
  block[1] = 0x01;
  block.set(prefix, length - t);
  block.set(digest, length - digest.length);
  return block;
}

/**
 * RSASSA-PKCS1-V1_5-VERIFY (RFC 8017 §8.2.2). The recovered block is never parsed: the whole
 * expected block is built from the data and compared byte for byte, so no padding, DigestInfo
 * or trailing-garbage trick can pass (the node-forge CVE-2022-24771/24772 class, Bleichenbacher's
 * e = 3 forgery).
 */
export function verifyPkcs1(
  key: RsaPublicKey,
  hash: Hash,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const m = rsaVerifyPrimitive(key, signature);
  const expected = pkcs1Block(hash, hash.digest(data), key.length);
  if (m === undefined || expected === undefined) return false;
  const block = toBytes(m, key.length)!; // m < n fits in the modulus length
  return equalBytes(block, expected);
}
