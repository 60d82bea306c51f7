import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_RSA_EXPONENT, rsaKeyProblem } from '../../src/keys/rsa-safety.js';
import { rocaKey, toBase64url } from '../helpers/roca-key.js';

let n: string;
beforeAll(() => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  n = publicKey.export({ format: 'jwk' }).n!;
});

describe('rsaKeyProblem()', () => {
  it('passes a freshly generated 2048-bit key with e = 65537, and e = 3', () => {
    expect(rsaKeyProblem(n, 'AQAB')).toBeUndefined();
    expect(rsaKeyProblem(n, 'Aw')).toBeUndefined();
  });

  it.each([
    [0n, 'its public exponent is 0'],
    [1n, 'its public exponent is 1'],
    [2n, 'its public exponent 2 is even'],
    [65536n, 'its public exponent 65536 is even'],
    [BigInt(MAX_RSA_EXPONENT) + 1n, 'its public exponent is larger than 2^31 - 1'],
    [2n ** 256n + 1n, 'its public exponent is larger than 2^31 - 1'],
  ])('refuses e = %s', (e, reason) => {
    expect(rsaKeyProblem(n, toBase64url(e))).toBe(reason);
  });

  it('accepts the largest exponent Go accepts, 2^31 - 1', () => {
    expect(rsaKeyProblem(n, toBase64url(BigInt(MAX_RSA_EXPONENT)))).toBeUndefined();
  });

  it('refuses an even modulus and one over 16384 bits', () => {
    const modulus = BigInt(`0x${Buffer.from(n, 'base64url').toString('hex')}`);
    expect(rsaKeyProblem(toBase64url(modulus + 1n), 'AQAB')).toBe('its modulus is even');
    expect(rsaKeyProblem(toBase64url((1n << 16384n) + 1n), 'AQAB')).toMatch(/16384 bits/);
    expect(rsaKeyProblem('A'.repeat(1_000_000), 'AQAB')).toMatch(/16384 bits/);
  });

  it('refuses a key with the ROCA fingerprint (CVE-2017-15361)', () => {
    expect(rsaKeyProblem(toBase64url(rocaKey().n), 'AQAB')).toMatch(/ROCA.*CVE-2017-15361/);
  });

  it.each([
    ['n', ['', 'AQAB']],
    ['n', [`${n}=`, 'AQAB']],
    ['n', [undefined, 'AQAB']],
    ['n', [42, 'AQAB']],
    ['e', ['n', 'AQAB==']],
    ['e', ['n', 'Ax']], // non-zero spare bits: another spelling of Aw (e = 3)
    ['e', ['n', '+/8']],
    ['e', ['n', null]],
  ] as const)('gives a reason, never an exception, for a garbage "%s"', (member, [gn, ge]) => {
    const reason = rsaKeyProblem(gn === 'n' ? n : gn, ge);
    expect(reason).toBe(
      member === 'n'
        ? 'its modulus "n" is not canonical base64url'
        : 'its exponent "e" is not canonical base64url',
    );
  });

  // Measured, not assumed: median and p95 over 500 calls, for an ordinary key (the fingerprint
  // fails early) and a ROCA key (all 38 primes tested). PRINT_TIMINGS=1 prints them.
  it.each([
    ['an ordinary', () => n],
    ['a ROCA', () => toBase64url(rocaKey().n)],
  ])('checks %s 2048-bit key in well under 1 ms', (kind, modulus) => {
    const jwkN = modulus();
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      const start = performance.now();
      rsaKeyProblem(jwkN, 'AQAB');
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const [min, median, p95, max] = [0, 250, 475, 499].map((i) => times[i]!.toFixed(4));
    if (process.env.PRINT_TIMINGS)
      console.log(`${kind} key: min ${min}, median ${median}, p95 ${p95}, max ${max} ms`);
    expect(times[250]).toBeLessThan(1);
  });
});
