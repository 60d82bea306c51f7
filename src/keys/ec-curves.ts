// Domain parameters of the NIST prime curves JOSE uses (RFC 7518 §6.2.1.1), from FIPS 186-5 /
// SP 800-186 §3.2.1: y² = x³ + ax + b over GF(p), with a = p - 3 for all three.

/** One short-Weierstrass curve over a prime field. */
export interface PrimeCurve {
  /** The field prime. */
  p: bigint;
  /** The constant b (a is -3). */
  b: bigint;
  /** Octets in one coordinate: the JWK `x` and `y` must be exactly this long (RFC 7518 §6.2.1.2). */
  bytes: number;
}

/** P-256, P-384 and P-521 by their JWK `crv` names. Each has cofactor 1. */
export const PRIME_CURVES: Readonly<Record<string, PrimeCurve>> = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    bytes: 32,
  },
  'P-384': {
    p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    bytes: 48,
  },
  'P-521': {
    p: 2n ** 521n - 1n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    bytes: 66,
  },
};
