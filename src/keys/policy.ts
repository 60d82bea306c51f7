// What a remote key source says about fetching and caching: plain data, described here where the
// sources are made and read by the key set layer above (keyset/transport.ts, keyset/freshness.ts).

/** The part of `fetch` tokenward uses: the platform's, the app's, or one made from a ky instance. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** How one remote source fetches. Times in milliseconds. */
export interface FetchPolicy {
  timeoutMs: number;
  retry: number;
  headers: Record<string, string>;
  fetch: FetchLike | undefined;
}

/** A key document as read, with what the response said about caching and time. */
export interface KeyResponse {
  notModified: boolean;
  body: string;
  contentType: string;
  /** Seconds of freshness from `Cache-Control` (0 for no-cache/no-store/invalid), if it said. */
  maxAge: number | undefined;
  etag: string | undefined;
  /** The `Date` header and when the request left and the answer came (local ms), for skew estimates. */
  date: string | undefined;
  sentAt: number;
  receivedAt: number;
}

/** Freshness rules of a remote source, in milliseconds. */
export interface CachePolicy {
  cooldownMs: number;
  maxAgeMs: number;
  maxStaleMs: number;
}

/** A key server's `Date`, and when the request left and the answer came (local ms). */
export interface Observation {
  readonly date: string;
  readonly sentAt: number;
  readonly receivedAt: number;
}

/** What an answer says about the server's time, for clock-skew estimates ('auto'). */
export function observationOf(response: KeyResponse): Observation | undefined {
  const { date, sentAt, receivedAt } = response;
  return date === undefined ? undefined : { date, sentAt, receivedAt };
}
