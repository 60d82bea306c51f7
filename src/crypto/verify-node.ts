import { constants, createPublicKey, verify, type VerifyKeyObjectInput } from 'node:crypto';
import type { PreparedKey } from './prepared-key.js';

// The Node (and Bun) flavour of ./verify.ts, swapped in by the build for the package's `node`
// export condition only (rollup.config.mjs); browsers, Deno and Workers never see node:crypto.
// Why: Node runs every WebCrypto verify on its thread pool and resolves it on a later turn of
// the event loop; node:crypto verifies the same bytes with the same OpenSSL on the calling
// thread, about 3.5 times as fast for RS256 (issue 17, bench/unique-tokens.mjs).

/** What node:crypto needs for one prepared key: the digest (null for Ed25519) and key input. */
interface NodeCheck {
  readonly digest: string | null;
  readonly key: VerifyKeyObjectInput;
}

const checks = new WeakMap<PreparedKey, NodeCheck>();

/**
 * The signature check through node:crypto, with the same contract as the WebCrypto seam:
 * resolves false for a signature that does not verify, including one of the wrong length;
 * rejects only where node:crypto could not check at all (mapped by the caller, src/lib/map-error.ts).
 * The check itself is synchronous: resolving at once measured faster than deferring it.
 *
 * @example
 * const prepared = await prepareKey(jwk, 'RS256');
 * const ok = await verifySignature(prepared, signingInput, signature); // true or false
 */
export function verifySignature(
  prepared: PreparedKey,
  signingInput: Uint8Array<ArrayBuffer>,
  signature: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  if (signature.byteLength !== prepared.signatureLength) return Promise.resolve(false);
  try {
    const check = checks.get(prepared) ?? nodeCheck(prepared);
    return Promise.resolve(verify(check.digest, signingInput, check.key, signature));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Made once per prepared key, from the JWK that WebCrypto already imported (so the key guard and
 * the import checks have passed), with the parameters WebCrypto uses for it. The KeyObject comes
 * from the JWK rather than KeyObject.from(cryptoKey): the CryptoKey is not extractable, and
 * passing one is deprecated (DEP0204).
 */
function nodeCheck(prepared: PreparedKey): NodeCheck {
  const key = createPublicKey({ key: { ...prepared.jwk }, format: 'jwk' });
  const params = prepared.params as { name: string; hash?: string; saltLength?: number };
  let check: NodeCheck;
  switch (params.name) {
    case 'RSASSA-PKCS1-v1_5': // RFC 7518 §3.3: the hash is bound to the key at import
      check = { digest: digestOf(keyHash(prepared)), key: { key } };
      break;
    case 'RSA-PSS': // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash
      check = {
        digest: digestOf(keyHash(prepared)),
        key: { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength! },
      };
      break;
    case 'ECDSA': // RFC 7518 §3.4: r || s, not DER
      check = { digest: digestOf(params.hash!), key: { key, dsaEncoding: 'ieee-p1363' } };
      break;
    case 'Ed25519': // RFC 8037 §3.1: no separate digest
      check = { digest: null, key: { key } };
      break;
    default: // an algorithm added to keys/algorithms.ts needs its parameters here too
      throw new Error(`verify-node: no node:crypto parameters for ${params.name}`);
  }
  checks.set(prepared, check);
  return check;
}

function keyHash(prepared: PreparedKey): string {
  return (prepared.key.algorithm as RsaHashedKeyAlgorithm).hash.name;
}

/** WebCrypto's 'SHA-256' is node:crypto's 'sha256'. */
function digestOf(hash: string): string {
  return hash.replace('-', '').toLowerCase();
}
