import type { Attacher, Sendable } from './attach.js';
import { insufficientScopeOf } from './challenge.js';
import type { Target } from './resources.js';

/**
 * The token for one more try after `response`, or undefined to return it as it is: a 401 that
 * names the resource's RFC 9728 metadata (`discover`), then a token for that resource; or an
 * `insufficient_scope` challenge (RFC 6750 §3.1), then a refresh holding the scopes it names.
 * Either way the refreshed or new token fits the resource, or the call rejects unsent.
 */
export async function secondTry(
  attacher: Attacher,
  response: Response,
  to: Target,
  sent: Sendable | undefined,
): Promise<Sendable | undefined> {
  if (sent === undefined) {
    const learned = await attacher.learn(response, to);
    return learned === undefined ? undefined : attacher.tokenToSend(learned);
  }
  const scopes = insufficientScopeOf(response);
  if (scopes === undefined || to.entry === undefined || !attacher.canRefresh) return undefined;
  return attacher.refreshed(to, scopes);
}
