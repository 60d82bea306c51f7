import { decodeStrict } from '../lib/base64url.js';
import { hasRocaFingerprint } from './roca.js';

/**
 * The largest public exponent accepted: 2^31 - 1, Go's limit (crypto/rsa `checkPub`), the
 * strictest of the common libraries; BoringSSL (Chrome, Bun, workerd) stops at 33 bits
 * (`kMaxExponentBits`), OpenSSL at 64 bits for moduli over 3072 bits
 * (`OPENSSL_RSA_MAX_PUBEXP_BITS`), FIPS 186-5 §5.5 at 2^256. A bounded exponent bounds the
 * cost of each signature check (https://www.imperialviolet.org/2012/03/16/rsae.html); every
 * real key uses 65537 (or 3).
 */
export const MAX_RSA_EXPONENT = 2 ** 31 - 1;

/** The largest modulus accepted (OPENSSL_RSA_MAX_MODULUS_BITS, and BoringSSL's limit too). */
export const MAX_RSA_MODULUS_BITS = 16384;

// Generous: leading zero octets are tolerated (RFC 7518 §2 forbids them, some IdPs send them).
const MAX_MODULUS_CHARS = Math.ceil(((MAX_RSA_MODULUS_BITS / 8 + 8) * 4) / 3);

/**
 * Why an RSA public key (the JWK members `n` and `e`, RFC 7518 §6.3.1) is unsafe to verify
 * with, or `undefined` when it is fine. Never throws: garbage in is a reason out.
 *
 * Checked: strict base64url of both members; an odd modulus of at most 16384 bits; an odd
 * exponent from 3 to 2^31 - 1 (the rules of OpenSSL, BoringSSL and Go; see
 * {@link MAX_RSA_EXPONENT}); and the ROCA fingerprint of Infineon keys (CVE-2017-15361).
 * Not checked here: the 2048-bit minimum, which the key-set guard enforces with its own message.
 *
 * @example
 * rsaKeyProblem(jwk.n, jwk.e); // undefined, or e.g. 'its public exponent is 1'
 */
export function rsaKeyProblem(n: unknown, e: unknown): string | undefined {
  // Checked before decoding, so a megabyte "n" costs a comparison.
  if (typeof n === 'string' && n.length > MAX_MODULUS_CHARS) return tooLong;
  const modulus = significant(decodeStrict(n));
  if (modulus === undefined) return 'its modulus "n" is not canonical base64url';
  const exponent = significant(decodeStrict(e));
  if (exponent === undefined) return 'its exponent "e" is not canonical base64url';
  return exponentProblem(exponent) ?? modulusProblem(modulus);
}

const tooLong = `its modulus is longer than ${MAX_RSA_MODULUS_BITS} bits`;

/** The bytes without leading zero octets, or undefined for nothing at all. */
function significant(bytes: Uint8Array | undefined): Uint8Array | undefined {
  if (bytes === undefined || bytes.length === 0) return undefined;
  const start = bytes.findIndex((byte) => byte !== 0);
  return bytes.subarray(start === -1 ? bytes.length : start);
}

function exponentProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length > 4) return 'its public exponent is larger than 2^31 - 1';
  const exponent = bytes.reduce((value, byte) => value * 256 + byte, 0);
  // e = 1 makes the "signature" the padded message itself: anyone can forge one.
  if (exponent <= 1) return `its public exponent is ${exponent}`;
  if (exponent > MAX_RSA_EXPONENT) return 'its public exponent is larger than 2^31 - 1';
  // e must be invertible modulo (p-1)(q-1), which is even: an even e cannot be a real key.
  if (exponent % 2 === 0) return `its public exponent ${exponent} is even`;
  return undefined;
}

function modulusProblem(bytes: Uint8Array): string | undefined {
  if ((bytes.at(-1) ?? 0) % 2 === 0) return 'its modulus is even';
  if (bytes.length * 8 - Math.clz32(bytes[0]!) + 24 > MAX_RSA_MODULUS_BITS) return tooLong;
  if (hasRocaFingerprint(bytes))
    return 'it is a ROCA-weak Infineon key (CVE-2017-15361): its private key can be computed';
  return undefined;
}
