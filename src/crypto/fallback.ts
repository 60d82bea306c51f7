import type { PublicJwk } from '../lib/jwk.js';
import type { SignatureProvider } from './provider.js';

/**
 * `primary`, with `secondary` importing (and then checking) the keys `primary` cannot import,
 * when `secondary` can. Which error tells why neither could: the secondary's when it lacks the
 * algorithm (NotSupportedError, so the caller reports ERR_ALG_UNSUPPORTED), else the primary's
 * (the key is bad for both). Keys the primary imported are checked by it alone, on the same turn.
 */
export function withFallback<P, S extends object>(
  primary: SignatureProvider<P>,
  secondary: () => SignatureProvider<S> | undefined,
): SignatureProvider<P | S> {
  const bySecondary = new WeakSet<object>();
  const importBySecondary = async (jwk: PublicJwk, alg: string, cause: unknown): Promise<S> => {
    const other = secondary();
    if (other === undefined) throw cause;
    try {
      const key = await other.importKey(jwk, alg);
      bySecondary.add(key);
      return key;
    } catch (error) {
      throw (error as { name?: unknown })?.name === 'NotSupportedError' ? error : cause;
    }
  };
  return {
    name: primary.name,
    importKey(jwk, alg) {
      let imported: P | Promise<P>;
      try {
        imported = primary.importKey(jwk, alg);
      } catch (error) {
        return importBySecondary(jwk, alg, error);
      }
      return imported instanceof Promise
        ? imported.catch((error: unknown) => importBySecondary(jwk, alg, error))
        : imported;
    },
    verify(alg, key, data, signature) {
      if (typeof key === 'object' && key !== null && bySecondary.has(key))
        return secondary()!.verify(alg, key as S, data, signature);
      return primary.verify(alg, key as P, data, signature);
    },
    digest: (hash, data) => primary.digest(hash, data),
  };
}
