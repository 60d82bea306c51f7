/** A shared replay store gets this long per call; past it the id counts as not recorded. */
export const REPLAY_STORE_TIMEOUT_MS = 2000;

/**
 * The store's answer, or a rejection once `ms` pass: a Redis or KV that hangs must refuse the
 * token or proof (fail closed), never hold the request or let it through.
 */
export function withinDeadline<T>(
  answer: PromiseLike<T>,
  what: string,
  ms = REPLAY_STORE_TIMEOUT_MS,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    Promise.resolve(answer).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(`${what} failed: ${String(error)}`));
      },
    );
  });
}

/** Checks an `add(id, ttlSeconds)` call's arguments; the TTL as whole seconds, at least 1. */
export function replayArguments(id: unknown, ttlSeconds: unknown): number {
  if (typeof id !== 'string' || typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds))
    throw new TypeError('replay.add(id, ttlSeconds): a string and a number');
  return Math.max(1, Math.ceil(ttlSeconds));
}
