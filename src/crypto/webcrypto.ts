import type { PublicJwk } from '../lib/jwk.js';
import { ALGORITHMS } from './algorithms.js';
import type { DigestName, SignatureProvider } from './provider.js';
import { publicMembers } from './public-members.js';

/** A key WebCrypto imported for one algorithm, with what its check needs worked out once. */
export interface WebCryptoKey {
  readonly key: CryptoKey;
  readonly params: AlgorithmIdentifier | RsaPssParams | EcdsaParams;
  /** A signature of any other length is refused without asking WebCrypto. */
  readonly signatureLength: number;
}

/**
 * The signature checks of the platform: `crypto.subtle`, in browsers (secure contexts only),
 * Deno, Bun, Workers and Node. JWKs are imported by `crypto.subtle.importKey` directly, as
 * non-extractable verify-only keys.
 */
export const webCrypto: SignatureProvider<WebCryptoKey> = {
  name: 'WebCrypto',
  async importKey(jwk: PublicJwk, alg: string): Promise<WebCryptoKey> {
    const { params, importParams, signatureBytes } = ALGORITHMS.get(alg)!;
    const key = await crypto.subtle.importKey('jwk', publicMembers(jwk), importParams, false, [
      'verify',
    ]);
    const modulusBits = (key.algorithm as Partial<RsaHashedKeyAlgorithm>).modulusLength ?? 0;
    return { key, params, signatureLength: signatureBytes ?? Math.ceil(modulusBits / 8) };
  },
  verify(_alg, { key, params, signatureLength }, data, signature) {
    if (signature.byteLength !== signatureLength) return false;
    return crypto.subtle.verify(params, key, signature as BufferSource, data as BufferSource);
  },
  async digest(hash: DigestName, data: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(await crypto.subtle.digest(hash, data as BufferSource));
  },
};
