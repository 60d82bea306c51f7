import { VerificationError, type VerificationErrorCode } from './errors.js';

/**
 * What a verifier reports to `onEvent`. Events never carry a token.
 * `source` is the key source's id (its URL, prefixed by its kind).
 */
export type VerifierEvent =
  | {
      /** A key request goes out. */
      type: 'keys:fetch';
      /** The key source's id. */
      source: string;
      /** Nothing cached yet, the cached set went stale, or a token named a `kid` it lacks. */
      reason: 'cold' | 'expired' | 'unknown-kid';
    }
  | {
      /** A verify used the cached key set without a request. */
      type: 'keys:cache-hit';
      /** The key source's id. */
      source: string;
    }
  | {
      /** Another tab of the browser fetched the set (shared store): taken without a request. */
      type: 'keys:adopted';
      /** The key source's id. */
      source: string;
    }
  | {
      /** The key server failed and a stale cached set serves (within `maxStale`). */
      type: 'keys:stale';
      /** The key source's id. */
      source: string;
      /** How long past freshness the set is. */
      staleSeconds: number;
    }
  | {
      /** Reading the keys failed. */
      type: 'keys:error';
      /** The key source's id. */
      source: string;
      /** What went wrong (`ERR_KEY_FETCH_FAILED`, `ERR_KEY_INVALID`). */
      error: VerificationError;
    }
  | {
      /** A token was refused. */
      type: 'token:rejected';
      /** The refusal's code. */
      code: VerificationErrorCode;
      /** The claim at fault, when there is one. */
      claim?: string;
    }
  | {
      /** With `clockSkew: 'auto'`: the key server's clock differs from the local one by over 30 s. */
      type: 'clock:skew';
      /** Issuer time minus local time. */
      seconds: number;
    };

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
