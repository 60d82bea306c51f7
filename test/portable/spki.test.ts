import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { publicJwkFromPem, publicJwkFromSpki } from '../../src/portable/spki.js';
import { loadVectors, VECTOR_FILES } from '../helpers/wycheproof.js';

// Keys made in this run by node:crypto (OpenSSL), exported as SPKI PEM and as JWK: the reader
// must find the JWK's public members in the PEM, without WebCrypto.
const KINDS: [string, () => { publicKey: KeyObject }][] = [
  ['RSA 2048, e = 65537', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
  ['RSA 2048, e = 3', () => generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 })],
  ['RSA 2049 bits', () => generateKeyPairSync('rsa', { modulusLength: 2049 })],
  ['EC P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
  ['EC P-384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' })],
  ['EC P-521', () => generateKeyPairSync('ec', { namedCurve: 'P-521' })],
  ['Ed25519', () => generateKeyPairSync('ed25519')],
  ['Ed448', () => generateKeyPairSync('ed448')],
];

const spkiPem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }) as string;
const spkiDer = (key: KeyObject) => new Uint8Array(key.export({ type: 'spki', format: 'der' }));
const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as Error).message;
  }
  throw new Error('expected a TypeError');
};

describe('publicJwkFromPem', () => {
  it.each(KINDS)('reads %s as node:crypto exports it', (_, make) => {
    const { publicKey } = make();
    expect(publicJwkFromPem(spkiPem(publicKey))).toEqual(publicKey.export({ format: 'jwk' }));
  });

  it('reads every public key of the vendored Wycheproof files as its JWK', () => {
    let count = 0;
    for (const [name] of VECTOR_FILES) {
      for (const { jwk, pem } of loadVectors(name)) {
        expect(publicJwkFromPem(pem)).toEqual(jwk);
        count++;
      }
    }
    expect(count).toBeGreaterThan(400);
  });

  it('refuses an X.509 certificate with the openssl command that takes its key out', () => {
    const text = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(message(() => publicJwkFromPem(text))).toContain(
      'openssl x509 -in cert.pem -pubkey -noout',
    );
  });

  it('refuses other PEM blocks, two blocks, and base64 that is not canonical', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pkcs1 = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'pkcs1',
      format: 'pem',
    }) as string;
    const pem = spkiPem(publicKey);
    for (const text of [
      pkcs1,
      privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      pem + pem,
      pem.replace('\n-----END', '*\n-----END'),
      pem.replace(/=*\n-----END/, 'B\n-----END'), // one base64 character too many
    ])
      expect(message(() => publicJwkFromPem(text))).toMatch(/BEGIN PUBLIC KEY|DER/);
  });

  it('refuses an RSA key restricted to PSS, saying how to publish it', () => {
    const { publicKey } = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    expect(message(() => publicJwkFromPem(spkiPem(publicKey)))).toContain('rsaEncryption');
  });
});

describe('publicJwkFromSpki: DER only, nothing lenient', () => {
  const ec = spkiDer(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
  const rsa = spkiDer(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);

  it('reads the DER node:crypto writes', () => {
    expect(publicJwkFromSpki(ec)).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(publicJwkFromSpki(rsa)).toMatchObject({ kty: 'RSA', e: 'AQAB' });
  });

  it('refuses truncated DER, trailing bytes and a long-form length that fits the short form', () => {
    const longForm = Uint8Array.of(0x30, 0x81, ec[1]!, ...ec.subarray(2));
    for (const der of [ec.subarray(0, ec.length - 1), Uint8Array.of(...ec, 0), longForm])
      expect(message(() => publicJwkFromSpki(der))).toContain('DER');
  });

  it('refuses a compressed EC point, saying how to export it uncompressed', () => {
    // 3039 3013 <algorithm> 0322 00 02||x: the same SPKI with the point compressed
    const algorithm = ec.subarray(2, 23);
    const x = ec.subarray(27, 59);
    const der = Uint8Array.of(0x30, 0x39, ...algorithm, 0x03, 0x22, 0x00, 0x02, ...x);
    expect(message(() => publicJwkFromSpki(der))).toContain('-conv_form uncompressed');
  });

  it('refuses a negative or zero-padded RSA modulus', () => {
    // The modulus INTEGER starts at byte 28: 02 82 01 01 00 <256 bytes>. Dropping the sign
    // octet makes it negative; a second 00 makes it not the shortest form.
    const negative = Uint8Array.from(rsa);
    negative[32] = 0xff; // the sign octet of n: the INTEGER becomes negative
    expect(message(() => publicJwkFromSpki(negative))).toContain('DER');
    const padded = Uint8Array.from(rsa);
    padded[33] = 0x00; // n's first significant byte zeroed: 00 00 … is not the shortest form
    expect(message(() => publicJwkFromSpki(padded))).toContain('DER');
  });
});
