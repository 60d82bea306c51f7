import { fetchFailed } from '../lib/map-error.js';
import { freshnessSeconds } from './freshness.js';
import type { FetchLike, FetchPolicy, KeyResponse } from '../keys/policy.js';

/** Key documents over this size are refused (JWKS, PEM, discovery). */
export const MAX_KEY_DOCUMENT_BYTES = 512 * 1024;

export interface DocumentRequest {
  url: string;
  accept: string;
  /** Sent as If-None-Match; only then may a 304 answer. */
  etag?: string | undefined;
  /** Refetch past any HTTP cache (an unknown `kid` means the cached answer is outdated). */
  bypassCache?: boolean;
  /** A smaller cap than the key documents' (RFC 9728 metadata: 64 KiB). @default 512 KiB */
  maxBytes?: number;
}

const BACKOFF_BASE_MS = 300;
const BACKOFF_LIMIT_MS = 2000;

/** 408, 429 and 5xx are worth another try; anything else will say the same again. */
const isRetryable = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/**
 * The only place tokenward fetches. One deadline covers the whole fetch (every try, the
 * backoff between them, and the body), so a slow or trickling key server cannot hang a verify;
 * the body is read with a size cap rather than trusted to `Content-Length`.
 */
export async function fetchDocument(
  request: DocumentRequest,
  policy: FetchPolicy,
  now: () => number,
): Promise<KeyResponse> {
  const deadline = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    deadline.abort();
  }, policy.timeoutMs);
  const sentAt = now();
  try {
    const response = await sendWithRetries(request, policy, deadline.signal);
    const receivedAt = now();
    if (response.redirected) assertSameSecurity(request.url, response.url);
    const notModified = response.status === 304;
    if (notModified && request.etag === undefined)
      throw new Error('the key server answered 304 to a request that was not conditional');
    if (!notModified && response.status !== 200)
      throw new Error(`the key server answered ${response.status}; only 200 carries keys`);
    const limit = request.maxBytes ?? MAX_KEY_DOCUMENT_BYTES;
    const body = notModified ? '' : await readCapped(response, deadline, limit);
    const { headers } = response;
    return {
      notModified,
      body,
      contentType: (headers.get('content-type') ?? '').toLowerCase(),
      maxAge: freshnessSeconds(headers.get('cache-control'), headers.get('age')),
      etag: headers.get('etag') ?? undefined,
      date: headers.get('date') ?? undefined,
      sentAt,
      receivedAt,
    };
  } catch (error) {
    const reason = timedOut
      ? `no complete answer within ${policy.timeoutMs / 1000}s`
      : describe(error);
    throw fetchFailed(request.url, reason, error);
  } finally {
    clearTimeout(timer);
  }
}

async function sendWithRetries(
  request: DocumentRequest,
  policy: FetchPolicy,
  signal: AbortSignal,
): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    let response: Response | undefined;
    try {
      response = await untilAborted(send(request, policy, signal), signal);
    } catch (error) {
      if (signal.aborted || attempt >= policy.retry) throw error;
    }
    if (response !== undefined && (!isRetryable(response.status) || attempt >= policy.retry))
      return response;
    const wait = retryDelay(response, attempt);
    await response?.body?.cancel().catch(() => undefined);
    await sleep(wait, signal);
  }
}

/** Backoff 0.3 s, 0.6 s, 1.2 s … up to 2 s; a server's Retry-After (seconds) is honoured. */
function retryDelay(response: Response | undefined, attempt: number): number {
  const backoff = Math.min(BACKOFF_LIMIT_MS, BACKOFF_BASE_MS * 2 ** attempt);
  const retryAfter = response?.headers.get('retry-after');
  const seconds = retryAfter != null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  // The deadline still bounds the wait: a long Retry-After ends in a timeout, not a hang.
  return seconds === undefined ? backoff : Math.max(backoff, seconds * 1000);
}

/**
 * The fetch, or a rejection once the deadline aborts: a fetch that ignores its signal (happy-dom's,
 * on a 304 it has nothing cached for) must not outlive the deadline.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const stop = () => reject(new Error('aborted'));
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(done, ms);
    function done(): void {
      signal.removeEventListener('abort', stop);
      resolve();
    }
    function stop(): void {
      clearTimeout(timer);
      reject(new Error('aborted'));
    }
    signal.addEventListener('abort', stop, { once: true });
  });
}

async function send(
  request: DocumentRequest,
  policy: FetchPolicy,
  signal: AbortSignal,
): Promise<Response> {
  const headers: Record<string, string> = { accept: request.accept, ...policy.headers };
  if (request.etag !== undefined) headers['if-none-match'] = request.etag;
  const fetchFn: FetchLike = policy.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const init: RequestInit = { headers, signal, redirect: 'follow' };
  if (!request.bypassCache) return fetchFn(request.url, init);
  // Past the HTTP cache: an unknown kid means a cached answer is outdated. workerd before
  // compatibility date 2025-08-07 refuses the `cache` field outright ("The 'cache' field on
  // 'RequestInitializerDict' is not implemented."), so fall back to 'no-store', then to none
  // (its subrequests have no HTTP cache to bypass there anyway).
  for (const cache of ['no-cache', 'no-store'] as const) {
    try {
      return await fetchFn(request.url, { ...init, cache });
    } catch (error) {
      if (!refusesCacheField(error)) throw error;
    }
  }
  return fetchFn(request.url, init);
}

function refusesCacheField(error: unknown): boolean {
  return error instanceof Error && /'cache'|\bcache (field|mode)\b/i.test(error.message);
}

/** Keys asked for over https never arrive over http, whatever a redirect says. */
function assertSameSecurity(requested: string, final: string): void {
  if (final !== '' && requested.startsWith('https:') && !final.startsWith('https:'))
    throw new Error(`a redirect led from https to ${new URL(final).protocol.slice(0, -1)}`);
}

async function readCapped(
  response: Response,
  deadline: AbortController,
  limit: number,
): Promise<string> {
  const { signal } = deadline;
  const declared = Number(response.headers.get('content-length'));
  if (declared > limit)
    throw new Error(`the answer is ${declared} bytes, over the ${limit / 1024} KiB limit`);
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const aborted = new Promise<never>((_, reject) => {
    const stop = () => reject(new Error('aborted'));
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  aborted.catch(() => reader.cancel().catch(() => undefined));
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await Promise.race([reader.read(), aborted]);
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Aborting the request (not cancelling the reader) also stops happy-dom's fetch cleanly.
      deadline.abort();
      throw new Error(`the answer is over the ${limit / 1024} KiB limit`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
