/**
 * A key this provider cannot use: a TypeError, which the verifier turns into ERR_KEY_INVALID
 * (src/lib/map-error.ts) with `reason` after "The key cannot verify <alg> tokens: ".
 */
export function unusableKey(reason: string): TypeError {
  return new TypeError(reason);
}

/**
 * An algorithm or curve this provider does not implement. Named like WebCrypto's
 * NotSupportedError, so the verifier reports ERR_ALG_NOT_ALLOWED, as it does for a runtime whose
 * WebCrypto lacks it.
 */
export function notSupported(what: string): Error {
  const error = new Error(`portableCrypto does not verify ${what}`);
  error.name = 'NotSupportedError';
  return error;
}
