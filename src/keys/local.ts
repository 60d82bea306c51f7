import { VerificationError } from '../lib/errors.js';
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
  if (typeof jwkSetOrJwk !== 'object' || jwkSetOrJwk === null || Array.isArray(jwkSetOrJwk)) {
    throw new VerificationError(
      'ERR_KEY_INVALID',
      'localJwks() needs a JWK Set ({ keys: [...] }) or one JWK; wrap an array of keys as { keys }.',
    );
  }
  // Own member only: every object inherits members a JWK Set's "keys" must not be taken from.
  const entries = Object.hasOwn(jwkSetOrJwk, 'keys')
    ? (jwkSetOrJwk as { keys: unknown }).keys
    : [jwkSetOrJwk];
  const copy = (): unknown => {
    try {
      return structuredClone(entries);
    } catch (cause) {
      throw new VerificationError('ERR_KEY_INVALID', 'localJwks() needs plain JSON data.', {
        cause,
      });
    }
  };
  screenKeySet(copy(), 'The key given to localJwks()'); // refuse private material now
  const keys = Promise.resolve(copy());
  return { kind: 'local', id: 'local', [LOADER]: { inline: () => keys } };
}
