import { VerificationError } from '../lib/errors.js';
import type { EmitEvent } from '../lib/events.js';
import type { SignatureProvider } from '../crypto/provider.js';
import type { SignedMeta, StoredKeySet } from '../stores/types.js';
import { screenKeySet, type ScreenedKeys } from '../keys/guard.js';
import { keepPinned } from '../keys/pins.js';
import type { KeyResponse } from '../keys/policy.js';
import type { RemoteKeys } from '../keys/source.js';
import { readStoredKeySet } from '../keys/stored-entry.js';

/** What checking a set needs besides the set: the verifier's provider, its events. */
export interface TrustContext {
  readonly provider: SignatureProvider;
  readonly emit: EmitEvent;
  readonly sourceId: string;
}

/** A fetched or stored set's screened keys, and for a signed set its JWS and times. */
export type TrustedKeys = ScreenedKeys & { signed?: SignedMeta };

/**
 * Reads a fetched answer into keys the verifier may use: parsed (or, for a signed set, verified
 * against its anchors), screened by the key guard, older than nothing held (no rollback), not
 * expired, then cut to the pinned keys. Throws to refuse the set, which then never replaces the
 * set held before.
 */
export async function readFetchedSet(
  remote: RemoteKeys,
  response: KeyResponse,
  url: string,
  held: StoredKeySet | undefined,
  context: TrustContext & { now: number },
): Promise<TrustedKeys> {
  const where = `The key set from ${url}`;
  if (remote.signed === undefined)
    return pinned(remote, await remote.parse!(response, url), where, context);
  const { entries, signed } = await remote.signed(
    response.body,
    response.contentType,
    url,
    context.provider,
  );
  if (held?.signed !== undefined && signed.iat < held.signed.iat)
    throw invalid(
      `${where} was signed at iat ${signed.iat}, before the set held (iat ${held.signed.iat}): a replayed older set is refused.`,
    );
  refuseExpired(signed, context.now, where);
  return { ...(await pinned(remote, entries, where, context)), signed };
}

/**
 * Reads back a stored entry for this source: tokenward's shape, then (for a signed source) the
 * stored JWS verified again, then the pins. Anything refused counts as absent, so it is refetched.
 */
export async function readStoredSet(
  value: unknown,
  remote: RemoteKeys,
  context: TrustContext & { now: number },
): Promise<StoredKeySet | undefined> {
  const entry = readStoredKeySet(value);
  if (entry === undefined) return undefined;
  const where = 'The stored key set';
  try {
    if (remote.signed === undefined) {
      if (entry.signed !== undefined) return undefined;
      return { ...entry, ...(await pinned(remote, entry.keys, where, context, entry.refused)) };
    }
    if (entry.signed === undefined) return undefined;
    const { entries, signed } = await remote.signed(
      entry.signed.jws,
      undefined,
      where,
      context.provider,
    );
    refuseExpired(signed, context.now, where);
    const keys = await pinned(remote, entries, where, context);
    return { ...entry, ...keys, signed, freshUntil: capped(entry.freshUntil, signed) };
  } catch {
    return undefined;
  }
}

/** Freshness never outlasts a signed set's `exp`. */
export function capped(freshUntil: number, signed: SignedMeta | undefined): number {
  return signed?.exp === undefined ? freshUntil : Math.min(freshUntil, signed.exp * 1000);
}

/** Whether a signed set is past its `exp`: then it counts as nothing held, stale or not. */
export function pastExpiry(entry: StoredKeySet | undefined, now: number): boolean {
  return entry?.signed?.exp !== undefined && now >= entry.signed.exp * 1000;
}

/** Throws ERR_KEY_INVALID for a signed set past its `exp`. */
export function refuseExpired(signed: SignedMeta | undefined, now: number, where: string): void {
  if (signed?.exp !== undefined && now >= signed.exp * 1000)
    throw invalid(`${where} expired at exp ${signed.exp}; the key server must sign a fresh one.`);
}

async function pinned(
  remote: RemoteKeys,
  entries: unknown,
  where: string,
  context: TrustContext,
  refused?: Record<string, string>,
): Promise<ScreenedKeys> {
  const screened = screenKeySet(entries, where);
  if (refused !== undefined) Object.assign(screened.refused, refused);
  return remote.pins === undefined
    ? screened
    : keepPinned(screened, where, { ...context, pins: remote.pins });
}

function invalid(message: string): VerificationError {
  return new VerificationError('ERR_KEY_INVALID', message);
}
