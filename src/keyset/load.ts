import type { Observation } from '../keys/policy.js';
import { observationOf } from '../keys/policy.js';
import { screenKeySet } from '../keys/guard.js';
import type { RemoteKeys } from '../keys/source.js';
import type { StoredKeySet } from '../stores/types.js';
import { freshUntil } from './freshness.js';
import { carryKeys } from './state.js';
import { fetchDocument } from './transport.js';

/** Why a set is fetched (event `keys:fetch`). */
export type FetchReason = 'cold' | 'expired' | 'unknown-kid';

/** A set as fetched, and the server time its answer carried. */
export interface Loaded {
  readonly entry: StoredKeySet;
  readonly observed: Observation | undefined;
}

/**
 * Fetches a source's set: locates it (discovery reads one more document), asks conditionally
 * when `held` has an ETag (a 304 renews `held`), screens every key. Changes nothing: the result
 * is the value to hold.
 */
export async function loadKeySet(
  remote: RemoteKeys,
  held: StoredKeySet | undefined,
  reason: FetchReason,
  clock: () => number,
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
  if (response.notModified)
    return { entry: { ...held!, fetchedAt: now, freshUntil: until }, observed };
  const { keys, refused } = screenKeySet(
    await remote.parse(response, url),
    `The key set from ${url}`,
  );
  const next: StoredKeySet = { v: 1, keys, refused, fetchedAt: now, freshUntil: until };
  if (response.etag !== undefined) next.etag = response.etag;
  if (meta !== undefined) next.meta = meta;
  return { entry: carryKeys(held, next), observed };
}
