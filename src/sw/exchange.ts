import { isVerificationError } from '../lib/errors.js';
import { decode } from '../token/decode.js';
import { holdsTokens, parseAnswer, passedOn, readAnswer, refusal, rewritten } from './answer.js';
import type { VaultConfig } from './options.js';
import { acceptAnswer, type Session } from './session.js';

/** What a captured token endpoint call gives: the page's answer, and the session to keep. */
export interface Exchange {
  response: Response;
  /** The verified session; undefined: keep what was kept before (nothing of this answer). */
  session?: Session;
  /** The announced nonce this sign-in used up. */
  usedNonce?: string;
}

/**
 * Whether a request is a call to one of the token endpoints (origin and path; query ignored), in
 * any method or mode: a spelling the server may take for the same path (`/Token`, `/%74oken`,
 * `/token/`) is captured too, so no answer slips past with its tokens.
 */
export function isTokenEndpoint(config: VaultConfig, url: string): boolean {
  const { origin, pathname } = new URL(url);
  const path = comparable(pathname);
  return config.endpoints.some((e) => e.origin === origin && comparable(e.path) === path);
}

function comparable(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // a stray "%": compare it as written
  }
  return decoded.toLowerCase().replace(/\/+$/, '');
}

/**
 * Sends the page's token request as sent (a refresh grant naming the refresh placeholder gets the
 * real refresh token), verifies every token of the answer, and hands the page placeholders; a
 * token that fails gets the page a 502 and keeps nothing.
 */
export async function exchange(
  config: VaultConfig,
  request: Request,
  current: Session | undefined,
  nonces: readonly string[],
): Promise<Exchange> {
  const form = await formOf(request);
  const renews =
    form?.get('grant_type') === 'refresh_token' &&
    current?.refreshToken !== undefined &&
    form.get('refresh_token') === current.placeholders.refresh
      ? current
      : undefined;
  let outgoing = request;
  if (renews !== undefined) {
    form!.set('refresh_token', renews.refreshToken!);
    outgoing = new Request(request, { body: form!.toString() });
  }
  const response = await config.fetch(outgoing, { signal: AbortSignal.timeout(config.timeoutMs) });
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readAnswer(response);
  } catch {
    return { response: refusal('ERR_TOKEN_MALFORMED') };
  }
  const answer = parseAnswer(bytes);
  if (answer === undefined || !holdsTokens(answer)) return { response: passedOn(response, bytes) };
  const nonce = renews === undefined ? nonceFor(answer.id_token, nonces) : undefined;
  try {
    const { session, body } = await acceptAnswer(answer, config, { renews, nonce });
    return {
      response: rewritten(response, body),
      session,
      ...(nonce === undefined ? {} : { usedNonce: nonce }),
    };
  } catch (error) {
    if (!isVerificationError(error)) throw error;
    return { response: refusal(error.code) };
  }
}

/** The request's form fields (RFC 6749 §4.1.3 and §6), or undefined for another body. */
async function formOf(request: Request): Promise<URLSearchParams | undefined> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) return undefined;
  try {
    return new URLSearchParams(new TextDecoder().decode(await readAnswer(request.clone())));
  } catch {
    return undefined;
  }
}

/**
 * The announced nonce this ID token is checked against: the one it names when the page announced
 * that one, else the latest announced (the check then fails, as it must); none announced: none.
 */
function nonceFor(idToken: unknown, nonces: readonly string[]): string | undefined {
  if (nonces.length === 0) return undefined;
  let named: unknown;
  try {
    named = typeof idToken === 'string' ? decode(idToken).payload.nonce : undefined;
  } catch {
    named = undefined; // malformed: the ID token verifier says so with the right code
  }
  return typeof named === 'string' && nonces.includes(named) ? named : nonces.at(-1);
}
