/** A request or response, as far as reading its body goes. */
export interface BodyLike {
  readonly headers: Headers;
  readonly body: ReadableStream<Uint8Array> | null;
}

/** How far a body may be read. */
export interface ReadLimit {
  /** The most bytes read; the body is refused past it, before any more is read. */
  limit: number;
  /** Stops the read (a deadline); the read then rejects. */
  signal?: AbortSignal;
  /**
   * What stops the body past `limit`: by default the reader is cancelled. The transport aborts
   * its request instead, which also ends happy-dom's fetch cleanly.
   */
  abort?: () => void;
}

const ignore = (): undefined => undefined;

/**
 * A body as UTF-8 text, or undefined when it is (or says it is) over `limit` bytes: it is read
 * as a stream with a running count, never trusted to `Content-Length`, and never buffered whole
 * before the count is checked.
 */
export async function readBounded(from: BodyLike, rules: ReadLimit): Promise<string | undefined> {
  if (Number(from.headers.get('content-length') ?? 0) > rules.limit) return undefined;
  if (from.body === null) return '';
  const reader = from.body.getReader();
  const stopped = rules.signal === undefined ? undefined : rejectOnAbort(rules.signal);
  stopped?.catch(() => reader.cancel().catch(ignore));
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await (stopped
      ? Promise.race([reader.read(), stopped])
      : reader.read());
    if (done) break;
    size += value.byteLength;
    if (size > rules.limit) {
      if (rules.abort !== undefined) rules.abort();
      else await reader.cancel().catch(ignore);
      return undefined;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(joined(chunks, size));
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    const stop = () => reject(new Error('aborted'));
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}

function joined(chunks: Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
