import { VerificationError } from '../errors.js';
import { screenKeySet } from './guard.js';
import { LOADER, type KeySource } from './source.js';

/**
 * Keys given inline: a JWK Set or one JWK. Private and symmetric keys are refused at once
 * (thrown `VerificationError`, code `ERR_KEY_INVALID`).
 *
 * @example
 * const verifier = createVerifier({
 *   keys: localJwks({ keys: [{ kty: 'RSA', kid: '2024-01', n: '…', e: 'AQAB' }] }),
 *   issuer: 'https://idp.example.com',
 *   audience: 'my-spa',
 * });
 */
export function localJwks(jwkSetOrJwk: { keys: unknown[] } | JsonWebKey): KeySource {
  if (typeof jwkSetOrJwk !== 'object' || jwkSetOrJwk === null) {
    throw new VerificationError(
      'ERR_KEY_INVALID',
      'localJwks() needs a JWK Set ({ keys: [...] }) or one JWK.',
    );
  }
  const entries = 'keys' in jwkSetOrJwk ? jwkSetOrJwk.keys : [jwkSetOrJwk];
  const where = 'The key given to localJwks()';
  screenKeySet(structuredClone(entries), where); // refuse private material now, not at first verify
  const keys = Promise.resolve(structuredClone(entries));
  return { kind: 'local', id: 'local', [LOADER]: { inline: () => keys } };
}
