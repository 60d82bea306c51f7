import defaultKy, { isHTTPError, isKyError, type KyInstance } from 'ky';
import { VerificationError } from '../errors.js';

/** Key documents over this size are refused (JWKS, PEM, discovery). */
export const MAX_KEY_DOCUMENT_BYTES = 512 * 1024;

/** How one remote source fetches. Times in milliseconds. */
export interface FetchPolicy {
  timeoutMs: number;
  retry: number;
  headers: Record<string, string>;
  ky: KyInstance | undefined;
}

export interface KeyRequest {
  url: string;
  accept: string;
  etag?: string | undefined;
  /** Refetch past any HTTP cache (an unknown `kid` means the cached answer is outdated). */
  bypassCache?: boolean;
}

/** A key document as read, with what the response said about caching and time. */
export interface KeyResponse {
  notModified: boolean;
  body: string;
  contentType: string;
  /** Seconds of freshness from `Cache-Control` (0 for no-cache/no-store), if it said. */
  maxAge: number | undefined;
  etag: string | undefined;
  /** The `Date` header and when the request left and the answer came (local ms), for skew estimates. */
  date: string | undefined;
  sentAt: number;
  receivedAt: number;
}

const RETRY_STATUS = [408, 429, 500, 502, 503, 504];

/**
 * The only place tokenward fetches. One deadline covers the whole fetch, retries and body
 * included, so a slow or trickling key server cannot hang a verify; the body is read with
 * a size cap rather than trusted to `Content-Length`.
 */
export async function fetchKeyDocument(
  request: KeyRequest,
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
    const response = await send(request, policy, deadline.signal);
    const receivedAt = now();
    const notModified = response.status === 304;
    if (!notModified && response.status !== 200) {
      throw new Error(`the key server answered ${response.status}; only 200 carries keys`);
    }
    const body = notModified ? '' : await readCapped(response, deadline);
    return {
      notModified,
      body,
      contentType: (response.headers.get('content-type') ?? '').toLowerCase(),
      maxAge: freshnessSeconds(response.headers),
      etag: response.headers.get('etag') ?? undefined,
      date: response.headers.get('date') ?? undefined,
      sentAt,
      receivedAt,
    };
  } catch (error) {
    throw fetchFailed(
      request.url,
      timedOut ? `no complete answer within ${policy.timeoutMs / 1000}s` : describe(error),
      error,
    );
  } finally {
    clearTimeout(timer);
  }
}

async function send(
  request: KeyRequest,
  policy: FetchPolicy,
  signal: AbortSignal,
): Promise<Response> {
  const headers: Record<string, string> = { accept: request.accept, ...policy.headers };
  if (request.etag !== undefined) headers['if-none-match'] = request.etag;
  const ky = policy.ky ?? defaultKy;
  const options = {
    headers,
    signal,
    timeout: false as const,
    throwHttpErrors: (status: number) => status !== 304,
    retry: {
      limit: policy.retry,
      methods: ['get'],
      statusCodes: RETRY_STATUS,
      backoffLimit: 2000,
      maxRetryAfter: policy.timeoutMs,
    },
  };
  if (!request.bypassCache) return ky.get(request.url, options);
  // Past the HTTP cache: an unknown kid means a cached answer is outdated. workerd before
  // compatibility date 2025-08-07 refuses the `cache` field outright ("The 'cache' field on
  // 'RequestInitializerDict' is not implemented."), so fall back to 'no-store', then to none
  // (its subrequests have no HTTP cache to bypass there anyway).
  for (const cache of ['no-cache', 'no-store'] as const) {
    try {
      return await ky.get(request.url, { ...options, cache });
    } catch (error) {
      if (!refusesCacheField(error)) throw error;
    }
  }
  return ky.get(request.url, options);
}

function refusesCacheField(error: unknown): boolean {
  return (
    error instanceof Error &&
    !isKyError(error) &&
    /'cache'|\bcache (field|mode)\b/i.test(error.message)
  );
}

async function readCapped(response: Response, deadline: AbortController): Promise<string> {
  const { signal } = deadline;
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_KEY_DOCUMENT_BYTES)
    throw new Error(`the answer is ${declared} bytes, over the 512 KiB limit`);
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
    if (size > MAX_KEY_DOCUMENT_BYTES) {
      // Aborting the request (not cancelling the reader) also stops happy-dom's fetch cleanly.
      deadline.abort();
      throw new Error('the answer is over the 512 KiB limit');
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

/** Freshness per RFC 9111 §4.2.1, reduced to what key sets need: max-age minus Age. */
function freshnessSeconds(headers: Headers): number | undefined {
  const cacheControl = (headers.get('cache-control') ?? '').toLowerCase();
  if (/(?:^|,)\s*(?:no-cache|no-store)\b/.test(cacheControl)) return 0;
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/.exec(cacheControl);
  if (match === null) return undefined;
  const age = Number(headers.get('age')) || 0;
  return Math.max(0, Number(match[1]) - age);
}

function describe(error: unknown): string {
  if (isHTTPError(error)) return `the key server answered ${error.response.status}`;
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** ERR_KEY_FETCH_FAILED with the URL and the reason, for every key source. */
export function fetchFailed(url: string, reason: string, cause?: unknown): VerificationError {
  return new VerificationError(
    'ERR_KEY_FETCH_FAILED',
    `Could not read keys from ${url}: ${reason}. Check the URL, the server and (in a browser) its CORS headers.`,
    { cause },
  );
}

/** Parses a JSON key document (JWKS or discovery); anything else is a failed fetch. */
export function parseJsonDocument(response: KeyResponse, url: string): Record<string, unknown> {
  const type = response.contentType.split(';')[0]!.trim();
  if (type !== '' && type !== 'application/json' && !type.endsWith('+json')) {
    throw fetchFailed(url, `the answer is ${type}, not JSON`);
  }
  let value: unknown;
  try {
    value = JSON.parse(response.body);
  } catch (cause) {
    throw fetchFailed(url, 'the answer is not valid JSON', cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fetchFailed(url, 'the answer is not a JSON object');
  }
  return value as Record<string, unknown>;
}
