/** What {@link withDeadline} settles with when the time ran out first. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/** Settles with `promise`, or with TIMED_OUT after `ms`; the timer never outlives the race. */
export function withDeadline<T>(
  promise: PromiseLike<T>,
  ms: number,
): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, ms, TIMED_OUT);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
