import { checkPrimeSync, randomBytes } from 'node:crypto';

// Builds RSA keys with the structure of Infineon RSALib keys (CVE-2017-15361), following the
// paper (Nemec et al., CCS 2017, §2): each prime is p = k·M + (65537^a mod M), M the product
// of the first 126 primes for 2048-bit keys. Written from the paper, independently of
// src/keys/roca.ts, so that a wrong table there fails the tests instead of agreeing with them.

export const SMALL_PRIMES = firstPrimes(126);
const M = SMALL_PRIMES.reduce((product, prime) => product * BigInt(prime), 1n);
const E = 65537n;

export function firstPrimes(count: number): number[] {
  const primes: number[] = [];
  for (let candidate = 2; primes.length < count; candidate++)
    if (primes.every((prime) => candidate % prime !== 0)) primes.push(candidate);
  return primes;
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let square = base % modulus;
  for (let rest = exponent; rest > 0n; rest >>= 1n) {
    if (rest & 1n) result = (result * square) % modulus;
    square = (square * square) % modulus;
  }
  return result;
}

export function modInverse(value: bigint, modulus: bigint): bigint {
  let [oldR, r] = [value % modulus, modulus];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  if (oldR !== 1n) throw new Error('not invertible');
  return ((oldS % modulus) + modulus) % modulus;
}

export function randomBigInt(bytes: number): bigint {
  return BigInt(`0x${randomBytes(bytes).toString('hex')}`);
}

/** A 1024-bit prime of the RSALib form, with its top two bits set and p - 1 coprime to 65537. */
function rocaPrime(): bigint {
  const low = (3n << 1022n) / M + 1n;
  const span = (1n << 1024n) / M - 1n - low;
  for (;;) {
    const k = low + (randomBigInt(16) % span);
    const p = k * M + modPow(E, randomBigInt(8), M);
    if ((p - 1n) % E !== 0n && checkPrimeSync(p)) return p;
  }
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

/** A working 2048-bit RSA key pair with the ROCA structure, as a private JWK's numbers. */
export function rocaKey(): { n: bigint; e: bigint; d: bigint; p: bigint; q: bigint } {
  const p = rocaPrime();
  let q = rocaPrime();
  while (q === p) q = rocaPrime();
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  return { n: p * q, e: E, d: modInverse(E, lambda), p, q };
}

export function toBase64url(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return Buffer.from(hex, 'hex').toString('base64url');
}
