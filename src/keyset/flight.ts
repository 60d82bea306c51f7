import { TIMED_OUT, withDeadline } from '../lib/deadline.js';

/**
 * Single flight: concurrent callers share one run. A caller that finds a run under way waits on
 * it for at most `waitMs`, then runs on its own: in Cloudflare Workers a request may not await
 * I/O begun by another request (API.md "Rules every source obeys").
 */
export function singleFlight<T>(): (run: () => Promise<T>, waitMs: number) => Promise<T> {
  let inflight: Promise<T> | undefined;
  return (run, waitMs) => {
    if (inflight !== undefined)
      return withDeadline(inflight, waitMs).then((won) => (won === TIMED_OUT ? run() : won));
    const attempt = run();
    inflight = attempt;
    const done = () => {
      if (inflight === attempt) inflight = undefined;
    };
    attempt.then(done, done);
    return attempt;
  };
}
