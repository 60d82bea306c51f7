import { calculateJwkThumbprint } from 'jose';
import { isVerificationError } from '../lib/errors.js';
import type { PublicJwk } from '../lib/jwk.js';
import { ALGORITHMS } from '../crypto/algorithms.js';
import { assertPublic, unsafeBecause } from '../keys/guard.js';
import { defaultCrypto } from '../crypto/default.js';
import { prepareKey, type PreparedKey } from '../crypto/prepared-key.js';
import { dpopInvalid } from './errors.js';

/** The proof's own key, checked and imported, with its RFC 7638 thumbprint. */
export interface ProofKey {
  readonly prepared: PreparedKey;
  readonly jkt: string;
}

// RFC 7638 §3.2: the required members of each key type; nothing else of the header's JWK is
// used, so extra members (`alg`, `kid`, `ext`, `key_ops`) cannot change how it is imported.
const REQUIRED = new Map<string, readonly string[]>([
  ['EC', ['crv', 'kty', 'x', 'y']],
  ['OKP', ['crv', 'kty', 'x']],
  ['RSA', ['e', 'kty', 'n']],
]);

/**
 * RFC 9449 §4.3 items 5-6: the `jwk` header is a public key of the type `alg` needs. It is the
 * one place a key from a token header is ever used, and only to check this proof's signature.
 */
export async function proofKeyOf(jwk: unknown, alg: string): Promise<ProofKey> {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    throw dpopInvalid('jwk', 'The DPoP proof has no "jwk" header: it must carry its public key.');
  const given = jwk as Record<string, unknown>;
  try {
    assertPublic(given, 'The DPoP proof "jwk"');
  } catch (error) {
    throw dpopInvalid(
      'jwk',
      'The DPoP proof "jwk" holds private or symmetric key material.',
      error,
    );
  }
  const entry = ALGORITHMS.get(alg)!;
  const members = REQUIRED.get(given.kty as string);
  if (
    given.kty !== entry.kty ||
    members === undefined ||
    (entry.crv !== undefined && given.crv !== entry.crv)
  )
    throw dpopInvalid(
      'jwk',
      `The DPoP proof "jwk" is not a ${entry.crv ?? entry.kty} key, as "alg" ${alg} needs.`,
    );
  const clean: Record<string, string> = {};
  for (const name of members) {
    const value = given[name];
    if (typeof value !== 'string')
      throw dpopInvalid('jwk', `The DPoP proof "jwk" has no "${name}" string.`);
    clean[name] = value;
  }
  const unsafe = unsafeBecause(clean);
  if (unsafe !== undefined) throw dpopInvalid('jwk', `The DPoP proof "jwk" is refused: ${unsafe}.`);
  try {
    const [prepared, jkt] = await Promise.all([
      prepareKey(defaultCrypto('createDpopVerifier'), clean as unknown as PublicJwk, alg),
      calculateJwkThumbprint(clean as never, 'sha256'),
    ]);
    return { prepared, jkt };
  } catch (error) {
    if (isVerificationError(error) && error.code === 'ERR_ALG_NOT_ALLOWED')
      throw dpopInvalid('alg', `This runtime cannot check ${alg} DPoP proofs.`, error);
    throw dpopInvalid('jwk', 'The DPoP proof "jwk" could not be imported as a public key.', error);
  }
}
