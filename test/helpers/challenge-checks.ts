import { expect } from 'vitest';

/** Sends one request to a protected API (directly, or over HTTP to another runtime). */
export type SendTo = (path: string, headers?: [string, string][]) => Promise<Response>;

/** Tokens the API's issuer signed, each for one case. */
export interface ChallengeTokens {
  /** Valid, with scope `read`. */
  good: string;
  expired: string;
  /** Minted for another resource. */
  otherAudience: string;
}

/**
 * The answers of an API guarded by protectResource({ resource: base, scopes: ['read'] }) whose
 * `/write` route needs `write` too, checked header by header against RFC 6750 §3, RFC 9728 §2
 * and §5.1. The same checks run in Node, workerd and Deno.
 */
export async function checkChallenges(
  send: SendTo,
  base: string,
  tokens: ChallengeTokens,
): Promise<void> {
  const metadataUrl = `${new URL(base).origin}/.well-known/oauth-protected-resource${new URL(base).pathname.replace(/\/$/, '')}`;
  const bare = `Bearer resource_metadata="${metadataUrl}"`;

  const metadata = await send(new URL(metadataUrl).pathname);
  expect(metadata.status).toBe(200);
  expect(metadata.headers.get('cache-control')).toBe('max-age=3600');
  expect(await metadata.json()).toMatchObject({
    resource: base,
    authorization_servers: expect.any(Array),
    scopes_supported: ['read'],
    bearer_methods_supported: ['header'],
  });

  // RFC 6750 §3.1: no credentials (or another scheme) → no error code.
  for (const headers of [[], [['authorization', 'Basic dXNlcjpwYXNz']]] as [string, string][][]) {
    const none = await send('/read', headers);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(bare);
    expect(none.headers.get('cache-control')).toBe('no-store');
  }

  const expectRefusal = async (
    headers: [string, string][],
    status: number,
    challenge: string,
    path = '/read',
  ) => {
    const response = await send(path, headers);
    expect(response.status).toBe(status);
    expect(response.headers.get('www-authenticate')).toBe(challenge);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const everything = JSON.stringify([...response.headers]) + (await response.text());
    for (const token of Object.values(tokens))
      expect(everything).not.toContain(token.split('.')[2]);
  };
  const invalid = (code: string) =>
    `Bearer error="invalid_token", error_description="${code}", resource_metadata="${metadataUrl}"`;
  await expectRefusal(
    [['authorization', `Bearer ${tokens.expired}`]],
    401,
    invalid('ERR_TOKEN_EXPIRED'),
  );
  await expectRefusal(
    [['authorization', `Bearer ${tokens.otherAudience}`]],
    401,
    invalid('ERR_CLAIM_INVALID'),
  );
  await expectRefusal([['authorization', 'Bearer not-a-jwt']], 401, invalid('ERR_TOKEN_MALFORMED'));
  await expectRefusal(
    [['authorization', `Bearer ${tokens.good}`]],
    403,
    `Bearer error="insufficient_scope", scope="read write", resource_metadata="${metadataUrl}"`,
    '/write',
  );
  const malformed = (why: string) =>
    `Bearer error="invalid_request", error_description="${why}", resource_metadata="${metadataUrl}"`;
  await expectRefusal([['authorization', 'Bearer']], 400, malformed('the token is not a token68'));
  await expectRefusal(
    [['authorization', `Bearer ${tokens.good}, Bearer ${tokens.good}`]],
    400,
    malformed('more than one Authorization header'),
  );

  const ok = await send('/read', [['authorization', `Bearer ${tokens.good}`]]);
  expect(ok.status).toBe(200);
  expect(await ok.json()).toMatchObject({ sub: 'user-1' });
}
