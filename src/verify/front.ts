import type { VerificationError } from '../lib/errors.js';
import type { TokenPayload } from '../token/compact.js';
import type { TokenHeader } from '../token/header.js';

/**
 * A token that passed every check. The header is shared by every token that spells it the same,
 * so it is always frozen; the whole result is frozen when the memo keeps it (repeats share it).
 */
export interface VerifiedToken {
  /** The verified claims. */
  readonly payload: Readonly<TokenPayload>;
  /** The verified JOSE header. */
  readonly header: Readonly<TokenHeader>;
  /** The token that was verified, as given. */
  readonly token: string;
}

/** What `createVerifier` returns. */
export interface Verifier {
  /** Resolves with the verified token, or rejects with a `VerificationError`. */
  verify(token: string): Promise<VerifiedToken>;
  /** Fetch the keys now (at page load, say) so the first `verify` need not wait. */
  hydrate(): Promise<void>;
  /** Forget cached keys (in its store too) and remembered tokens. */
  clear(): Promise<void>;
}

/** The issuer's time a token is checked by, and the leeway on top. */
export interface Timing {
  /** Milliseconds since the epoch: the verifier's `clock` plus its `clockSkew`. */
  readonly now: number;
  /** Seconds. */
  readonly leeway: number;
}

/**
 * @internal What every front is built on: the core verifier of one issuer, or the dispatch
 * over several issuers' cores.
 */
export interface Core extends Verifier {
  /** The time and leeway `token` is checked by (several issuers: those of its entry). */
  timing(token?: string): Timing;
  /** Reports a refusal (event `token:rejected`) and returns it; anything else is rethrown. */
  refuse(error: unknown): VerificationError;
}

/**
 * @internal The member by which a verifier tells the attach side (DPoP proofs, RFC 9449 §4.2
 * `iat`) and the DPoP verifier its issuer time: carried on the object itself, so the public
 * shape stays `{ verify, hydrate, clear }` and every front has it.
 */
export const ISSUER_TIME: unique symbol = Symbol.for('tokenward.issuerTime') as never;

/** The issuer time (ms) of any verifier for `token`; a verifier of the app's own making: now. */
export function issuerTimeOf(verifier: unknown, token?: string): number {
  const time = (verifier as { [ISSUER_TIME]?: unknown } | null)?.[ISSUER_TIME];
  return typeof time === 'function' ? (time as (token?: string) => number)(token) : Date.now();
}

/**
 * What a profile checks once the core accepted a token, on every call (memo hits included):
 * `checks` are the call's, `timing` the token's. A VerificationError it throws is reported as
 * a refusal like the core's own.
 */
export type ExtraCheck<C, R> = (
  verified: VerifiedToken,
  checks: C,
  timing: Timing,
) => R | Promise<R>;

/** A front: the core's verify, with a profile's per-call checks and result. */
export interface Front<In, R> {
  verify(token: string, checks?: In): Promise<R>;
  hydrate(): Promise<void>;
  clear(): Promise<void>;
}

/** A profile: how a call's checks are read, and what is checked with them. */
export interface Profile<In, C, R> {
  /** Checks a call's `checks` (a TypeError, as a rejection); `{}` when none were given. */
  readChecks(checks: In | Record<string, never>): C;
  check: ExtraCheck<C, R>;
}

/**
 * The one way a verifier is built: the core plus a profile's extra checks (none for
 * `createVerifier`, whose verify is then the core's own, not a wrapper), carrying the issuer
 * time explicitly under {@link ISSUER_TIME}.
 */
export function buildFront(core: Core): Verifier;
export function buildFront<In, C, R>(core: Core, profile: Profile<In, C, R>): Front<In, R>;
export function buildFront<In, C, R>(
  core: Core,
  profile?: Profile<In, C, R>,
): Front<In, R> | Verifier {
  const verify =
    profile === undefined
      ? core.verify
      : (token: string, checks?: In): Promise<R> => {
          let wanted: C;
          try {
            wanted = profile.readChecks(checks ?? {});
          } catch (error) {
            return Promise.reject(error);
          }
          return core.verify(token).then(async (verified) => {
            try {
              return await profile.check(verified, wanted, core.timing(token));
            } catch (error) {
              throw core.refuse(error);
            }
          });
        };
  const issuerTime = (token?: string) => core.timing(token).now;
  const front = { verify, hydrate: core.hydrate, clear: core.clear, [ISSUER_TIME]: issuerTime };
  return front as Front<In, R>;
}
