import { holdsTokens, parseAnswer, readAnswer } from './answer.js';
import type { VaultConfig } from './options.js';
import { acceptAnswer, type Session } from './session.js';

/**
 * One `refresh_token` grant (RFC 6749 §6) at the first token endpoint, its answer verified like a
 * sign-in's: the renewed session, or undefined when there is nothing to renew with or the grant
 * fails in any way (HTTP error, timeout, a token that does not verify).
 */
export async function renew(config: VaultConfig, session: Session): Promise<Session | undefined> {
  const { refreshClientId: clientId, endpoints, timeoutMs } = config;
  if (clientId === undefined || session.refreshToken === undefined) return undefined;
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    const response = await config.fetch(endpoints[0]!.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: session.refreshToken,
        client_id: clientId,
      }).toString(),
      signal,
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return undefined;
    }
    const answer = parseAnswer(await readAnswer(response));
    if (answer === undefined || typeof answer.access_token !== 'string' || !holdsTokens(answer))
      return undefined;
    return (await acceptAnswer(answer, config, { renews: session, nonce: undefined })).session;
  } catch {
    return undefined; // fail closed: the caller signs out
  }
}
