import type { PreparedKey } from './prepared-key.js';

/**
 * The signature check: WebCrypto with a key prepared at import. This is the one seam where a
 * runtime may check signatures another way; everything around it stays the same. The package's
 * `node` and `deno` export conditions get a build where ./verify-node.ts (node:crypto, same
 * contract) takes this file's place (issue 17); browsers and Workers keep this one.
 * Resolves false for a signature that does not verify, including one of the wrong length;
 * rejects only where the platform could not check at all (mapped by the caller).
 */
export function verifySignature(
  prepared: PreparedKey,
  signingInput: Uint8Array<ArrayBuffer>,
  signature: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  if (signature.byteLength !== prepared.signatureLength) return Promise.resolve(false);
  return crypto.subtle.verify(prepared.params, prepared.key, signature, signingInput);
}
