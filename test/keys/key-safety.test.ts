import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keySafetyProblem } from '../../src/keys/key-safety.js';
import { rocaKey, toBase64url } from '../helpers/roca-key.js';

const publicJwk = (key: ReturnType<typeof generateKeyPairSync>['publicKey']) =>
  key.export({ format: 'jwk' }) as { kty: string };

describe('keySafetyProblem()', () => {
  it('passes generated RSA, EC and Ed25519 public keys', () => {
    const keys = [
      generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey,
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey,
      generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey,
      generateKeyPairSync('ed25519').publicKey,
    ];
    for (const key of keys) expect(keySafetyProblem(publicJwk(key))).toBeUndefined();
  });

  it('delegates RSA keys: exponent 1, ROCA', () => {
    const rsa = publicJwk(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);
    expect(keySafetyProblem({ ...rsa, e: 'AQ' })).toBe('its public exponent is 1');
    expect(keySafetyProblem({ kty: 'RSA', n: toBase64url(rocaKey().n), e: 'AQAB' })).toMatch(
      /ROCA/,
    );
  });

  it('delegates EC keys: a P-384 key labelled P-256', () => {
    const ec = publicJwk(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey);
    expect(keySafetyProblem({ ...ec, crv: 'P-256' })).toMatch(/P-256 needs 32/);
  });

  it('checks Ed25519 keys are 32 octets and refuses other OKP curves', () => {
    const ed = publicJwk(generateKeyPairSync('ed25519').publicKey) as { kty: string; x: string };
    const x = Buffer.from(ed.x, 'base64url');
    expect(keySafetyProblem({ ...ed, x: x.subarray(1).toString('base64url') })).toBe(
      'its "x" is 31 octets; an Ed25519 key is 32',
    );
    expect(keySafetyProblem({ ...ed, x: `${ed.x}=` })).toBe('its "x" is not canonical base64url');
    const x25519 = publicJwk(generateKeyPairSync('x25519').publicKey);
    expect(keySafetyProblem(x25519)).toBe('its OKP curve is not Ed25519');
    expect(keySafetyProblem(publicJwk(generateKeyPairSync('ed448').publicKey))).toBe(
      'its OKP curve is not Ed25519',
    );
  });

  it('refuses other key types and never throws on members of the wrong type', () => {
    expect(keySafetyProblem({ kty: 'oct' })).toBe('its key type is not RSA, EC or OKP');
    for (const kty of ['RSA', 'EC', 'OKP'])
      for (const junk of [undefined, null, 1, {}, [], '', '=', 'é'])
        expect(
          keySafetyProblem({ kty, crv: junk, n: junk, e: junk, x: junk, y: junk } as never),
        ).toEqual(expect.any(String));
  });
});
