import { PRIME_CURVES } from './ec-curves.js';
import { bytesToBigInt, decodeBase64urlStrict } from './strict-base64url.js';

/**
 * Why an EC public key (the JWK members `crv`, `x`, `y`, RFC 7518 §6.2.1) is unsafe to verify
 * with, or `undefined` when it is fine. Never throws: garbage in is a reason out.
 *
 * Checked: a supported curve (P-256, P-384, P-521); strict base64url coordinates of exactly the
 * curve's size (RFC 7518 §6.2.1.2, so a P-384 key labelled P-256 is caught); each coordinate
 * below the field prime; and the point on the curve, y² = x³ - 3x + b (mod p). An off-curve
 * point is the invalid-curve attack's way in (CVE-2017-16007, CVE-2015-7940); the curves have
 * cofactor 1, so a point on the curve is in the prime-order group and nothing more is needed
 * (SP 800-56A §5.6.2.3.3).
 *
 * @example
 * ecKeyProblem(jwk.crv, jwk.x, jwk.y); // undefined, or e.g. 'its point is not on P-256'
 */
export function ecKeyProblem(crv: unknown, x: unknown, y: unknown): string | undefined {
  const curve =
    typeof crv === 'string' && Object.hasOwn(PRIME_CURVES, crv) ? PRIME_CURVES[crv] : undefined;
  if (curve === undefined) return `its curve ${describe(crv)} is not P-256, P-384 or P-521`;
  const xBytes = typeof x === 'string' ? decodeBase64urlStrict(x) : undefined;
  if (xBytes === undefined) return 'its "x" is not canonical base64url';
  const yBytes = typeof y === 'string' ? decodeBase64urlStrict(y) : undefined;
  if (yBytes === undefined) return 'its "y" is not canonical base64url';
  if (xBytes.length !== curve.bytes || yBytes.length !== curve.bytes)
    return `its coordinates are ${xBytes.length} and ${yBytes.length} octets; ${crv} needs ${curve.bytes}`;
  const [px, py] = [bytesToBigInt(xBytes), bytesToBigInt(yBytes)];
  if (px >= curve.p || py >= curve.p) return `a coordinate is not below the ${crv} field prime`;
  const { p, b } = curve;
  if ((py * py - (px * px * px - 3n * px + b)) % p !== 0n) return `its point is not on ${crv}`;
  return undefined;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value.slice(0, 32)}"` : `(a ${typeof value})`;
}
