import type { VerificationErrorCode } from '../lib/errors.js';

/** Token endpoint answers are a few KiB; anything over this is refused, never passed through. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** A token endpoint answer as JSON: an object, or undefined when it is not one. */
export type TokenAnswer = Record<string, unknown>;

/** The names of the members the vault keeps, and never lets through. */
export const TOKEN_MEMBERS = ['access_token', 'refresh_token', 'id_token'] as const;

/**
 * Reads a body within `MAX_ANSWER_BYTES` (streamed, not trusting Content-Length), or throws: an
 * answer the vault cannot read whole might hold tokens, so it is never let through.
 */
export async function readAnswer(message: Pick<Body, 'body'>): Promise<Uint8Array<ArrayBuffer>> {
  if (message.body === null) return new Uint8Array();
  const reader = message.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      void reader.cancel().catch(() => undefined);
      throw new Error('over 64 KiB');
    }
    chunks.push(value);
  }
  return new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer());
}

/**
 * The answer as read, for the page: the vault read the body itself (rather than a clone, which
 * happy-dom empties and whose cancel waits on both branches), so it hands on a copy.
 */
export function passedOn(original: Response, body: Uint8Array<ArrayBuffer>): Response {
  const nullBody = [101, 204, 205, 304].includes(original.status);
  return new Response(nullBody ? null : body, {
    status: original.status,
    statusText: original.statusText,
    headers: original.headers,
  });
}

/** The answer as a JSON object, or undefined for anything else (an HTML error page, a list). */
export function parseAnswer(body: Uint8Array): TokenAnswer | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(body));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as TokenAnswer)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the answer carries a token the vault must take out of the page's reach. */
export const holdsTokens = (answer: TokenAnswer): boolean =>
  TOKEN_MEMBERS.some((name) => Object.hasOwn(answer, name));

/** The answer the page gets when a token fails: nothing of it was kept. */
export function refusal(code: VerificationErrorCode): Response {
  return Response.json(
    { error: 'invalid_token', code },
    { status: 502, headers: { 'cache-control': 'no-store' } },
  );
}

/** The rewritten answer: the original status and headers, the body with placeholders. */
export function rewritten(original: Response, body: TokenAnswer): Response {
  const headers = new Headers(original.headers);
  for (const name of ['content-length', 'content-encoding']) headers.delete(name);
  headers.set('content-type', 'application/json');
  headers.set('cache-control', 'no-store');
  return new Response(JSON.stringify(body), {
    status: original.status,
    statusText: original.statusText,
    headers,
  });
}
