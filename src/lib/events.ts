import { VerificationError, type VerificationErrorCode } from './errors.js';

/**
 * What a verifier reports to `onEvent`. Events never carry a token.
 * `source` is the key source's id (its URL, prefixed by its kind).
 */
export type VerifierEvent =
  | { type: 'keys:fetch'; source: string; reason: 'cold' | 'expired' | 'unknown-kid' }
  | { type: 'keys:cache-hit'; source: string }
  /** Another tab of the browser fetched the set (shared store): taken without a request. */
  | { type: 'keys:adopted'; source: string }
  | { type: 'keys:stale'; source: string; staleSeconds: number }
  | { type: 'keys:error'; source: string; error: VerificationError }
  | { type: 'token:rejected'; code: VerificationErrorCode; claim?: string }
  | { type: 'clock:skew'; seconds: number };

export type EmitEvent = (event: VerifierEvent) => void;

/** Wraps a user listener so that a throwing listener cannot break verification. */
export function eventEmitter(listener: ((event: VerifierEvent) => void) | undefined): EmitEvent {
  if (listener === undefined) return () => undefined;
  return (event) => {
    try {
      listener(event);
    } catch {
      // A listener's bug must not turn a valid token into a rejection.
    }
  };
}

/**
 * Reports a refusal (event `token:rejected`, with its code and claim, never the token) and
 * returns it; anything that is not a refusal is a bug, rethrown as it is.
 */
export function refuser(emit: EmitEvent): (error: unknown) => VerificationError {
  return (error) => {
    if (!(error instanceof VerificationError)) throw error;
    emit(
      error.claim === undefined
        ? { type: 'token:rejected', code: error.code }
        : { type: 'token:rejected', code: error.code, claim: error.claim },
    );
    return error;
  };
}
