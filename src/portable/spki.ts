import { decodeStrict } from '../lib/base64url.js';
import { encodeBase64url } from '../lib/base64url.js';
import type { PublicJwk } from '../lib/jwk.js';
import {
  malformed,
  oidText,
  readElement,
  readOnly,
  readSequence,
  TAG,
  unsignedInteger,
} from './der.js';

// RFC 3279 §2.3.1 and §2.3.5, RFC 5480 §2.1.1.1, RFC 8410 §3.
const RSA = '1.2.840.113549.1.1.1';
const EC = '1.2.840.10045.2.1';
const CURVES = new Map([
  ['1.2.840.10045.3.1.7', { crv: 'P-256', size: 32 }],
  ['1.3.132.0.34', { crv: 'P-384', size: 48 }],
  ['1.3.132.0.35', { crv: 'P-521', size: 66 }],
]);
const OKP = new Map([
  ['1.3.101.112', { crv: 'Ed25519', size: 32 }],
  ['1.3.101.113', { crv: 'Ed448', size: 57 }],
]);
const RSA_PSS = '1.2.840.113549.1.1.10';

const SPKI_PEM = /^-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]*)-----END PUBLIC KEY-----$/;

/**
 * The JWK of one PEM `-----BEGIN PUBLIC KEY-----` block (SPKI, what `openssl rsa -pubout` and
 * `openssl pkey -pubout` write): RSA, EC on P-256/P-384/P-521, Ed25519 or Ed448, without
 * WebCrypto. Throws a TypeError that says what to do for anything else, an X.509 certificate
 * included (its key is taken out with `openssl x509 -pubkey -noout`). The JWK has no `kid` or
 * `alg`; the key guard judges its sizes.
 *
 * @example
 * publicJwkFromPem('-----BEGIN PUBLIC KEY-----\nMFkwEwYH…\n-----END PUBLIC KEY-----');
 * // { kty: 'EC', crv: 'P-256', x: '…', y: '…' }
 */
export function publicJwkFromPem(text: string): PublicJwk {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN CERTIFICATE-----'))
    throw new TypeError(
      'an X.509 certificate cannot be read without WebCrypto: give its public key instead ' +
        '(`openssl x509 -in cert.pem -pubkey -noout > key.pub`)',
    );
  const body = SPKI_PEM.exec(trimmed)?.[1];
  const der = body === undefined ? undefined : decodeStrict(base64ToUrl(body));
  if (der === undefined)
    throw new TypeError('expected one -----BEGIN PUBLIC KEY----- block of base64 text');
  return publicJwkFromSpki(der);
}

/** PEM's base64 (RFC 7468 §3: padded, in lines) as the unpadded base64url decodeStrict reads. */
function base64ToUrl(body: string): string {
  return body
    .replace(/\s+/g, '')
    .replace(/={1,2}$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

/** The JWK of DER SubjectPublicKeyInfo bytes (RFC 5280 §4.1.2.7); see {@link publicJwkFromPem}. */
export function publicJwkFromSpki(der: Uint8Array): PublicJwk {
  const [algorithm, bits] = readSequence(readOnly(der, TAG.SEQUENCE), [
    TAG.SEQUENCE,
    TAG.BIT_STRING,
  ]);
  const oid = readElement(algorithm!);
  if (oid.tag !== TAG.OID) throw malformed();
  const parameters = algorithm!.subarray(oid.end);
  if (bits![0] !== 0) throw malformed(); // a key is whole octets: no unused bits
  const key = bits!.subarray(1);
  const name = oidText(oid.contents);
  if (name === RSA) return rsaJwk(parameters, key);
  if (name === EC) return ecJwk(parameters, key);
  const okp = OKP.get(name);
  if (okp !== undefined) {
    if (parameters.length !== 0 || key.length !== okp.size) throw malformed(); // RFC 8410 §3
    return { kty: 'OKP', crv: okp.crv, x: encodeBase64url(key) };
  }
  if (name === RSA_PSS)
    throw new TypeError(
      'an RSA key restricted to PSS (id-RSASSA-PSS) is not supported: publish it as a plain ' +
        'RSA key (rsaEncryption, what `openssl rsa -pubout` writes)',
    );
  throw new TypeError(`the key's algorithm (OID ${name}) is not RSA, EC or Ed25519`);
}

function rsaJwk(parameters: Uint8Array, key: Uint8Array): PublicJwk {
  readOnly(parameters, TAG.NULL); // RFC 3279 §2.3.1: the parameters are NULL
  const [n, e] = readSequence(readOnly(key, TAG.SEQUENCE), [TAG.INTEGER, TAG.INTEGER]);
  return {
    kty: 'RSA',
    n: encodeBase64url(unsignedInteger(n!)),
    e: encodeBase64url(unsignedInteger(e!)),
  };
}

function ecJwk(parameters: Uint8Array, key: Uint8Array): PublicJwk {
  const curve = CURVES.get(oidText(readOnly(parameters, TAG.OID))); // RFC 5480: namedCurve only
  if (curve === undefined) throw new TypeError('the EC key is not on P-256, P-384 or P-521');
  if (key[0] !== 4 || key.length !== 1 + 2 * curve.size)
    throw new TypeError(
      'the EC point is compressed or malformed: export it uncompressed ' +
        '(`openssl ec -pubin -in key.pub -pubout -conv_form uncompressed`)',
    );
  return {
    kty: 'EC',
    crv: curve.crv,
    x: encodeBase64url(key.subarray(1, 1 + curve.size)),
    y: encodeBase64url(key.subarray(1 + curve.size)),
  };
}
