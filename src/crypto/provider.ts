import type { PublicJwk } from '../lib/jwk.js';

/** The hashes a provider computes: for pins, JWK thumbprints and `at_hash`/`c_hash`. */
export type DigestName = 'SHA-256' | 'SHA-384' | 'SHA-512';

/**
 * What imports keys, checks signatures and hashes for a verifier: the `crypto` option. The
 * default is WebCrypto (`crypto.subtle`), or `node:crypto` in the package's Node build;
 * `portableCrypto` from `tokenward/portable` needs neither. An app may pass its own.
 *
 * Every key reaching `importKey` has passed tokenward's key guard already (public, no `oct`,
 * RSA ≥ 2048 bits with a safe exponent, no ROCA fingerprint, exact EC/OKP coordinate sizes).
 *
 * @example
 * const verifier = createVerifier({ keys, issuer, audience, crypto: portableCrypto });
 */
export interface SignatureProvider<Key = unknown> {
  /** Named in messages: `"WebCrypto"`, `"node:crypto"`, `"portable"`. */
  readonly name: string;
  /** The provider's key for one JWS algorithm (sync or a promise); throws for a key it cannot use. */
  importKey(jwk: PublicJwk, alg: string): Key | Promise<Key>;
  /** Whether `signature` over `data` verifies with `key` for `alg`; false for a wrong length. */
  verify(
    alg: string,
    key: Key,
    data: Uint8Array,
    signature: Uint8Array,
  ): boolean | Promise<boolean>;
  /** The hash of `data`. */
  digest(hash: DigestName, data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}
