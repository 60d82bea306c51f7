import {
  constants,
  createHash,
  createPublicKey,
  verify,
  type VerifyKeyObjectInput,
} from 'node:crypto';
import type { PublicJwk } from '../lib/jwk.js';
import { ALGORITHMS } from './algorithms.js';
import type { DigestName, SignatureProvider } from './provider.js';
import { publicMembers } from './public-members.js';

// The Node (and Deno, Bun) twin of ./default.ts, swapped in by the build for the package's
// `node`, `deno` and `bun` export conditions only (rollup.config.mjs); browsers and Workers never
// see node:crypto. Why: Node runs every WebCrypto verify on its thread pool and resolves it on a
// later turn of the event loop; node:crypto verifies the same bytes with the same OpenSSL on the
// calling thread, about 3.5 times as fast for RS256 (issue 17, bench/unique-tokens.mjs).

/** What node:crypto needs for one key and algorithm: the digest (null for Ed25519) and key input. */
interface NodeKey {
  readonly digest: string | null;
  readonly input: VerifyKeyObjectInput;
  readonly signatureLength: number;
}

const nodeCrypto: SignatureProvider<NodeKey> = {
  name: 'node:crypto',
  importKey(jwk: PublicJwk, alg: string): NodeKey {
    const entry = ALGORITHMS.get(alg)!;
    const key = createPublicKey({ key: publicMembers(jwk) as never, format: 'jwk' });
    const digest = entry.hash === undefined ? null : entry.hash.replace('-', '').toLowerCase();
    const modulusBits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    const signatureLength = entry.signatureBytes ?? Math.ceil(modulusBits / 8);
    const params = entry.params as { name: string; saltLength?: number };
    switch (params.name) {
      case 'RSASSA-PKCS1-v1_5': // RFC 7518 §3.3
      case 'Ed25519': // RFC 8037 §3.1: no separate digest
        return { digest, input: { key }, signatureLength };
      case 'RSA-PSS': // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash
        return {
          digest,
          input: { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength! },
          signatureLength,
        };
      case 'ECDSA': // RFC 7518 §3.4: r || s, not DER
        return { digest, input: { key, dsaEncoding: 'ieee-p1363' }, signatureLength };
      default: // an algorithm added to crypto/algorithms.ts needs its parameters here too
        throw new Error(`node:crypto provider: no parameters for ${params.name}`);
    }
  },
  // Synchronous: answering at once measured faster than deferring to a later turn.
  verify(_alg, { digest, input, signatureLength }, data, signature) {
    if (signature.byteLength !== signatureLength) return false;
    return verify(digest, data, input, signature);
  },
  digest(hash: DigestName, data: Uint8Array): Uint8Array {
    return createHash(hash.replace('-', '').toLowerCase()).update(data).digest();
  },
};

/** The provider of the Node build when a verifier is given no `crypto`: node:crypto. */
export function defaultCrypto(_caller: string): SignatureProvider {
  return nodeCrypto as SignatureProvider;
}
