import { generateKeyPairSync, sign as rsaSign, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, localJwks } from '../../src/index.js';
import { MAX_RSA_EXPONENT, rsaKeyProblem } from '../../src/keys/rsa-safety.js';
import { codeOf, refusal } from '../helpers/outcome.js';
import { AUDIENCE, b64url, ISSUER } from '../helpers/keys.js';
import { toBase64url } from '../helpers/roca-key.js';

// The RSA exponent and modulus limits (src/keys/rsa-safety.ts) at their edges. The exponent
// edges use real working keys (OpenSSL makes them), so without the rule the token verifies.

interface RsaKey {
  jwk: Record<string, string>;
  privateKey: KeyObject;
}
const rsaKey = (publicExponent: number): RsaKey => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicExponent,
  });
  return {
    jwk: { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>) },
    privateKey,
  };
};
const tokenOf = ({ privateKey }: RsaKey) => {
  const input = `${b64url({ alg: 'RS256' })}.${b64url({ iss: ISSUER, aud: AUDIENCE, exp: 4e9 })}`;
  return `${input}.${rsaSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
};
const outcome = (key: RsaKey) =>
  codeOf(
    createVerifier({ keys: localJwks(key.jwk), issuer: ISSUER, audience: AUDIENCE }).verify(
      tokenOf(key),
    ),
  );

let largest: RsaKey;
let overLargest: RsaKey;
// OpenSSL takes a second or more for these on a busy machine.
beforeAll(() => {
  largest = rsaKey(2 ** 31 - 1); // a prime, so a usable exponent
  overLargest = rsaKey(2 ** 31 + 1);
}, 60_000);

describe('the public exponent: odd, from 3 to 2^31 - 1', () => {
  // Kills `exponent > MAX_RSA_EXPONENT` → `>=` and `bytes.length > 4` → `>= 4` (2^31 - 1 is
  // four octets), and the upper bound removed (2^31 + 1 is odd, so no other rule refuses it).
  it('verifies with e = 2^31 - 1 and refuses a working key with e = 2^31 + 1', async () => {
    expect(MAX_RSA_EXPONENT).toBe(2 ** 31 - 1);
    expect(largest.jwk.e).toBe('f____w');
    expect(await outcome(largest)).toBe('OK');
    const error = await refusal(
      createVerifier({
        keys: localJwks(overLargest.jwk),
        issuer: ISSUER,
        audience: AUDIENCE,
      }).verify(tokenOf(overLargest)),
    );
    expect([error.code, error.message]).toEqual([
      'ERR_KEY_INVALID',
      expect.stringMatching(/exponent is larger than 2\^31 - 1/),
    ]);
  });

  // Kills the leading-zero skip of the exponent removed: "AAAAAAEAAQ" is 65537 in seven
  // octets, the same number as "AQAB".
  it('reads an exponent by its value, leading zero octets aside', async () => {
    expect(rsaKeyProblem(largest.jwk.n, toBase64url(65537n))).toBeUndefined();
    expect(rsaKeyProblem(largest.jwk.n, 'AAAAAAEAAQ')).toBeUndefined();
    expect(rsaKeyProblem(largest.jwk.n, 'AAAAAAAAAAAD')).toBeUndefined();
    expect(rsaKeyProblem(largest.jwk.n, 'AAAAAAAAAAAB')).toBe('its public exponent is 1');
    expect(rsaKeyProblem(largest.jwk.n, 'AA')).toBe('its public exponent is 0');
  });
});

describe('the modulus: at most 16384 bits, leading zero octets tolerated', () => {
  const bits16384 = (1n << 16383n) + 1n; // odd, exactly 16384 bits, not a ROCA modulus
  const withZeros = (value: bigint, zeros: number) =>
    Buffer.concat([Buffer.alloc(zeros), Buffer.from(toBase64url(value), 'base64url')]).toString(
      'base64url',
    );

  // Kills the bit count's `> MAX_RSA_MODULUS_BITS` → `>=`, and its `+ 24` (clz32 counts 32
  // bits, a byte has 8) changed.
  it('accepts exactly 16384 bits and refuses 16385', () => {
    expect(rsaKeyProblem(toBase64url(bits16384), 'AQAB')).toBeUndefined();
    expect(rsaKeyProblem(toBase64url((1n << 16384n) + 1n), 'AQAB')).toMatch(/longer than 16384/);
    expect(rsaKeyProblem(toBase64url((1n << 16376n) + 1n), 'AQAB')).toBeUndefined();
  });

  // Kills the length pre-check's `>` → `>=`: 8 leading zero octets before a 16384-bit modulus
  // are 2056 octets, exactly the 2742 characters allowed; one octet more is refused unread.
  it('allows 8 leading zero octets before a 16384-bit modulus, and refuses 9 by length alone', () => {
    const eight = withZeros(bits16384, 8);
    expect(eight).toHaveLength(2742);
    expect(rsaKeyProblem(eight, 'AQAB')).toBeUndefined();
    expect(rsaKeyProblem(withZeros(bits16384, 9), 'AQAB')).toMatch(/longer than 16384/);
  });
});
