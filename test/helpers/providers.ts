import { portableCrypto } from '../../src/portable.js';

// WebCrypto's parameters per JWS algorithm (RFC 7518 §3.3-3.5, RFC 8037 §3.1).
const WEBCRYPTO = new Map<
  string,
  [RsaHashedImportParams | EcKeyImportParams | Algorithm, Algorithm | RsaPssParams | EcdsaParams]
>([
  ['RS256', [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, { name: 'RSASSA-PKCS1-v1_5' }]],
  ['RS384', [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, { name: 'RSASSA-PKCS1-v1_5' }]],
  ['RS512', [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }, { name: 'RSASSA-PKCS1-v1_5' }]],
  [
    'PS256',
    [
      { name: 'RSA-PSS', hash: 'SHA-256' },
      { name: 'RSA-PSS', saltLength: 32 },
    ],
  ],
  [
    'PS384',
    [
      { name: 'RSA-PSS', hash: 'SHA-384' },
      { name: 'RSA-PSS', saltLength: 48 },
    ],
  ],
  [
    'PS512',
    [
      { name: 'RSA-PSS', hash: 'SHA-512' },
      { name: 'RSA-PSS', saltLength: 64 },
    ],
  ],
  [
    'ES256',
    [
      { name: 'ECDSA', namedCurve: 'P-256' },
      { name: 'ECDSA', hash: 'SHA-256' },
    ],
  ],
  [
    'ES384',
    [
      { name: 'ECDSA', namedCurve: 'P-384' },
      { name: 'ECDSA', hash: 'SHA-384' },
    ],
  ],
  [
    'ES512',
    [
      { name: 'ECDSA', namedCurve: 'P-521' },
      { name: 'ECDSA', hash: 'SHA-512' },
    ],
  ],
  ['EdDSA', [{ name: 'Ed25519' }, { name: 'Ed25519' }]],
]);

/** WebCrypto's answer for one key and one vector: true, false, or 'refused' (a throw). */
export async function webCryptoAnswer(
  jwk: JsonWebKey,
  alg: string,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean | 'refused'> {
  const [importParams, params] = WEBCRYPTO.get(alg)!;
  try {
    const key = await crypto.subtle.importKey('jwk', jwk, importParams, false, ['verify']);
    return await crypto.subtle.verify(params, key, signature as BufferSource, data as BufferSource);
  } catch {
    return 'refused';
  }
}

/** portableCrypto's answer, the same way. */
export async function portableAnswer(
  jwk: JsonWebKey,
  alg: string,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean | 'refused'> {
  try {
    const key = await portableCrypto.importKey(jwk as never, alg);
    return await portableCrypto.verify(alg, key, data, signature);
  } catch {
    return 'refused';
  }
}
