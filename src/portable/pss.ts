import { concatBytes, equalBytes, toBytes } from './bytes.js';
import type { Hash } from './hash.js';
import { rsaVerifyPrimitive, type RsaPublicKey } from './rsa-key.js';

/** MGF1 (RFC 8017 §B.2.1): Hash(seed || counter) for counter 0, 1, …, cut to `length` bytes. */
export function mgf1(hash: Hash, seed: Uint8Array, length: number): Uint8Array {
  const mask = new Uint8Array(Math.ceil(length / hash.length) * hash.length);
  const input = concatBytes(seed, new Uint8Array(4));
  const view = new DataView(input.buffer);
  for (let counter = 0, at = 0; at < length; counter++, at += hash.length) {
    view.setUint32(seed.length, counter);
    mask.set(hash.digest(input), at);
  }
  return mask.subarray(0, length);
}

/**
 * RSASSA-PSS-VERIFY (RFC 8017 §8.1.2) with MGF1 over the same hash and a salt as long as the hash,
 * the only parameters JWS allows (RFC 7518 §3.5).
 */
export function verifyPss(
  key: RsaPublicKey,
  hash: Hash,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const m = rsaVerifyPrimitive(key, signature);
  if (m === undefined) return false;
  const emBits = key.bits - 1;
  const em = toBytes(m, Math.ceil(emBits / 8)); // §8.1.2 step 2c: "integer too large" is invalid
  return em !== undefined && emsaPssVerify(hash, hash.digest(data), em, emBits, hash.length);
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2), step by step; `mHash` is Hash(M). */
export function emsaPssVerify(
  hash: Hash,
  mHash: Uint8Array,
  em: Uint8Array,
  emBits: number,
  saltLength: number,
): boolean {
  const emLen = em.length;
  const hLen = hash.length;
  if (emLen < hLen + saltLength + 2 || em[emLen - 1] !== 0xbc) return false; // steps 3-4
  const dbLen = emLen - hLen - 1;
  const maskedDb = em.subarray(0, dbLen);
  const h = em.subarray(dbLen, dbLen + hLen); // step 5
  const topBits = 0xff >> (8 * emLen - emBits);
  if ((maskedDb[0]! & ~topBits) !== 0) return false; // step 6
  const db = mgf1(hash, h, dbLen).map((byte, i) => byte ^ maskedDb[i]!); // steps 7-8
  db[0]! &= topBits; // step 9
  const zeros = dbLen - saltLength - 1;
  for (let i = 0; i < zeros; i++) if (db[i] !== 0) return false; // step 10
  if (db[zeros] !== 0x01) return false;
  const salt = db.subarray(dbLen - saltLength); // step 11
  const mPrime = concatBytes(new Uint8Array(8), mHash, salt); // step 12
  return equalBytes(hash.digest(mPrime), h); // steps 13-14
}
