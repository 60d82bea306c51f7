import type { Observation } from '../keys/policy.js';
import { observationOf } from '../keys/policy.js';
import type { RemoteKeys } from '../keys/source.js';
import type { StoredKeySet } from '../stores/types.js';
import { freshUntil } from './freshness.js';
import { carryKeys } from './state.js';
import { fetchDocument } from './transport.js';
import { capped, readFetchedSet, refuseExpired, type TrustContext } from './trusted.js';

/** Why a set is fetched (event `keys:fetch`). */
export type FetchReason = 'cold' | 'expired' | 'unknown-kid';

/** A set as fetched, and the server time its answer carried. */
export interface Loaded {
  readonly entry: StoredKeySet;
  readonly observed: Observation | undefined;
}

/**
 * Fetches a source's set: locates it (discovery reads one more document), asks conditionally
 * when `held` has an ETag (a 304 renews `held`, unless its signed set has expired), screens
 * every key, checks pins and a signed set's signature, age and expiry (readFetchedSet). Changes
 * nothing: the result is the value to hold; a refused set throws and never replaces `held`.
 */
export async function loadKeySet(
  remote: RemoteKeys,
  held: StoredKeySet | undefined,
  reason: FetchReason,
  clock: () => number,
  trust: TrustContext,
): Promise<Loaded> {
  const bypassCache = reason === 'unknown-kid';
  const { url, meta } = await remote.locate((at, accept) =>
    fetchDocument({ url: at, accept, bypassCache }, remote.fetch, clock),
  );
  const request = { url, accept: remote.accept, etag: held?.etag, bypassCache };
  const response = await fetchDocument(request, remote.fetch, clock);
  const observed = observationOf(response);
  const now = clock();
  const until = freshUntil(now, response.maxAge, remote.cache);
  if (response.notModified) {
    refuseExpired(held!.signed, now, `The key set from ${url}`);
    const renewed = { ...held!, fetchedAt: now, freshUntil: capped(until, held!.signed) };
    return { entry: renewed, observed };
  }
  const { keys, refused, signed } = await readFetchedSet(remote, response, url, held, {
    ...trust,
    now,
  });
  const next: StoredKeySet = {
    v: 1,
    keys,
    refused,
    fetchedAt: now,
    freshUntil: capped(until, signed),
  };
  if (signed !== undefined) next.signed = signed;
  if (response.etag !== undefined) next.etag = response.etag;
  if (meta !== undefined) next.meta = meta;
  return { entry: carryKeys(held, next), observed };
}
