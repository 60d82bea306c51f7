import { describe, expect, it } from 'vitest';
import { portableCrypto } from '../../src/portable.js';
import { loadVectors, VECTOR_FILES } from '../helpers/wycheproof.js';

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

async function portableAnswer(
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

// The same vectors through both providers, "acceptable" ones included: the same answer for
// every one (a throw from WebCrypto, e.g. for a signature it cannot parse, counts as a refusal).
describe.each(VECTOR_FILES)(
  'Wycheproof %s: portableCrypto answers as WebCrypto (%s)',
  (name, alg) => {
    const groups = loadVectors(name).filter((group) => group.refused === undefined);
    const total = groups.reduce((sum, group) => sum + group.tests.length, 0);

    it(`gives WebCrypto's answer for all ${total} vectors`, async () => {
      const differ: string[] = [];
      for (const { jwk, tests } of groups) {
        for (const test of tests) {
          const web = await webCryptoAnswer(jwk as JsonWebKey, alg, test.msg, test.sig);
          const portable = await portableAnswer(jwk as JsonWebKey, alg, test.msg, test.sig);
          const refuses = (answer: boolean | 'refused') => answer !== true;
          if (refuses(web) !== refuses(portable))
            differ.push(
              `tcId ${test.tcId} (${test.result}): WebCrypto ${web}, portable ${portable}`,
            );
        }
      }
      expect(differ).toEqual([]);
    });
  },
);
