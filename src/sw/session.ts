import { malformed } from '../lib/errors.js';
import type { TokenPayload } from '../token/compact.js';
import type { TokenAnswer } from './answer.js';
import type { VaultConfig } from './options.js';
import { newPlaceholder } from './placeholder.js';
import type { VaultStatus } from './protocol.js';

/** What the vault holds for one sign-in, in the worker's memory only. Replaced, never mutated. */
export interface Session {
  readonly accessToken: string | undefined;
  readonly claims: TokenPayload | undefined;
  readonly refreshToken: string | undefined;
  readonly idClaims: TokenPayload | undefined;
  /** What the page holds instead of each token: new for each sign-in, kept across refreshes. */
  readonly placeholders: { readonly access: string; readonly refresh: string; readonly id: string };
}

/** What to check a token endpoint answer against. */
export interface AnswerContext {
  /** The session this answer renews (a refresh grant); undefined: a new sign-in. */
  renews: Session | undefined;
  /** The nonce the page announced for this sign-in, if it announced one. */
  nonce: string | undefined;
}

/**
 * Verifies every token of an answer and builds the session and the page's copy of the answer;
 * throws the first VerificationError, so nothing of a failing answer is kept.
 */
export async function acceptAnswer(
  answer: TokenAnswer,
  config: VaultConfig,
  { renews, nonce }: AnswerContext,
): Promise<{ session: Session; body: TokenAnswer }> {
  const access = tokenMember(answer, 'access_token');
  const refresh = tokenMember(answer, 'refresh_token');
  const id = tokenMember(answer, 'id_token');
  const claims = access === undefined ? undefined : (await config.verifier.verify(access)).payload;
  let idClaims = renews?.idClaims;
  if (id !== undefined && config.idTokens !== undefined) {
    const checks = {
      ...(nonce === undefined ? {} : { nonce }),
      ...(access === undefined ? {} : { accessToken: access }),
    };
    idClaims = (await config.idTokens.verify(id, checks)).payload;
  }
  const placeholders = renews?.placeholders ?? {
    access: newPlaceholder(),
    refresh: newPlaceholder(),
    id: newPlaceholder(),
  };
  const session: Session = {
    accessToken: access ?? renews?.accessToken,
    claims: claims ?? renews?.claims,
    refreshToken: refresh ?? renews?.refreshToken,
    idClaims,
    placeholders,
  };
  const body: TokenAnswer = { ...answer };
  if (access !== undefined) body.access_token = placeholders.access;
  if (refresh !== undefined) body.refresh_token = placeholders.refresh;
  if (id !== undefined && config.idTokens !== undefined) body.id_token = placeholders.id;
  else delete body.id_token; // unverified: the page never sees it
  return { session, body };
}

function tokenMember(answer: TokenAnswer, name: string): string | undefined {
  if (!Object.hasOwn(answer, name)) return undefined;
  const value = answer[name];
  if (typeof value !== 'string' || value === '')
    throw malformed(`The token endpoint answer's "${name}" is not a non-empty string.`);
  return value;
}

/** What the page may know of a session: verified claims, never a token. */
export function statusOf(session: Session | undefined): VaultStatus {
  if (session?.accessToken === undefined || session.claims === undefined)
    return { state: 'signedOut' };
  const { exp } = session.claims;
  return {
    state: 'signedIn',
    claims: session.claims,
    ...(session.idClaims === undefined ? {} : { idClaims: session.idClaims }),
    ...(typeof exp === 'number' ? { expiresAt: exp * 1000 } : {}),
  };
}
