import { readStoredKeySet } from '../keys/stored-entry.js';
import {
  ALONE,
  CROSS_TAB,
  type CrossTab,
  type SharedKeyStore,
  type TabTurn,
} from '../stores/cross-tab.js';
import type { KeyStore, StoredKeySet } from '../stores/types.js';

/** The tabs a store is shared with, for one source: none unless the store offers them. */
export function tabsOf(store: KeyStore, sourceId: string, timeoutMs: number): CrossTab {
  const share = (store as Partial<SharedKeyStore>)[CROSS_TAB];
  return typeof share === 'function' ? share(sourceId, timeoutMs) : ALONE;
}

/** A turn to fetch, and the set another tab fetched meanwhile, if it spares this fetch. */
export interface Turn {
  readonly turn: TabTurn;
  readonly written: StoredKeySet | undefined;
}

/**
 * Waits for this tab's turn, then looks for what another tab fetched while it waited: in the
 * store, in the latest notice, or in the set held (adopted meanwhile). Every candidate is
 * untrusted until `readStoredKeySet` says otherwise; `spares` is the key cache's rule.
 */
export async function takeTurn(
  tabs: CrossTab,
  readStore: () => Promise<unknown>,
  held: () => StoredKeySet | undefined,
  spares: (set: StoredKeySet) => boolean,
): Promise<Turn> {
  const turn = await tabs.turn();
  if (!turn.locked) return { turn, written: undefined };
  const look = async () =>
    [readStoredKeySet(await readStore()), readStoredKeySet(tabs.latest()), held()].find(
      (set): set is StoredKeySet => set !== undefined && spares(set),
    );
  let written = await look();
  if (written === undefined && turn.contended) {
    await turn.notice();
    written = await look();
  }
  return { turn, written };
}
