import type { EmitEvent } from '../lib/events.js';
import type { Observation } from '../keys/policy.js';

/** The issuer's time as this verifier sees it: the local `clock` plus a known or estimated skew. */
export interface IssuerClock {
  /** Issuer time in milliseconds since the epoch. */
  now(): number;
  /** Learns from a key-server answer's time (each answer once); only with 'auto'. */
  learn(observed: Observation | undefined): void;
}

// Beyond this, a new estimate is worth telling the app about (users' clocks are often minutes off).
const REPORT_SKEW_MS = 30_000;

/**
 * A fixed skew in seconds, or 'auto': the offset between the key server's `Date` and the local
 * clock at the middle of the round trip. `Date` counts whole seconds (RFC 9110 §5.6.7), so the
 * server time is taken as the middle of its second. Until an answer is seen the offset is 0.
 * The time is never taken from a token.
 */
export function issuerClock(
  clock: () => number,
  skew: number | 'auto',
  emit: EmitEvent,
): IssuerClock {
  if (skew !== 'auto') {
    const offset = skew * 1000;
    return { now: () => clock() + offset, learn: () => undefined };
  }
  let offset = 0;
  let learned: Observation | undefined;
  return {
    now: () => clock() + offset,
    learn(observed) {
      if (observed === undefined || observed === learned) return;
      learned = observed;
      const { date, sentAt, receivedAt } = observed;
      const server = Date.parse(date);
      if (Number.isNaN(server)) return;
      offset = server + 500 - (sentAt + receivedAt) / 2;
      if (Math.abs(offset) > REPORT_SKEW_MS)
        emit({ type: 'clock:skew', seconds: Math.round(offset / 1000) });
    },
  };
}
