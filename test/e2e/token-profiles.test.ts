import { randomBytes, randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tokenward from '../../src/index.js';
import { createAccessTokenVerifier } from '../../src/index.js';
import { serveFetch, type RunningFetchServer } from '../helpers/fetch-server.js';
import {
  signIn,
  signOut,
  startProvider,
  UserAgent,
  type RunningProvider,
} from '../helpers/oidc-provider.js';
import { codeAndClaim } from '../helpers/outcome.js';
import { startWorker, type RunningWorker } from '../helpers/workerd.js';
// @ts-expect-error: a plain ES module shared with the Worker, typed by its use here
import { createLogoutReceiver } from '../runtimes/logout-receiver.mjs';

// oidc-provider issues both profiles for real: RFC 9068 access tokens to a client-credentials
// client with a resource indicator, and back-channel logout tokens after a sign-in and sign-out,
// delivered to a receiver built on handleLogoutRequest, in Node and in workerd.
const API = 'https://api.example.com/orders';
const OTHER_API = 'https://api.example.com/billing';
const SERVICE = 'tokenward-service';
const SERVICE_SECRET = randomBytes(16).toString('hex');
const REDIRECT_URI = 'http://127.0.0.1/callback';
const RECEIVERS = ['rp-node', 'rp-workerd'] as const;

let op: RunningProvider;
let nodeReceiver: RunningFetchServer;
let worker: RunningWorker;
const receiverUrl = new Map<string, string>();

beforeAll(async () => {
  op = await startProvider(async (issuer) => {
    nodeReceiver = await serveFetch(
      createLogoutReceiver(tokenward, { issuer, clientId: 'rp-node' }),
    );
    worker = await startWorker('test/runtimes/logout-worker.mjs', 'logout-receiver', {
      ISSUER: issuer,
      CLIENT_ID: 'rp-workerd',
    });
    receiverUrl.set('rp-node', nodeReceiver.url).set('rp-workerd', worker.url);
    return {
      clients: [
        ...RECEIVERS.map((clientId) => ({
          client_id: clientId,
          application_type: 'native' as const,
          token_endpoint_auth_method: 'none' as const,
          redirect_uris: [REDIRECT_URI],
          grant_types: ['authorization_code'],
          response_types: ['code' as const],
          backchannel_logout_uri: `${receiverUrl.get(clientId)}/backchannel-logout`,
          backchannel_logout_session_required: true,
        })),
        {
          client_id: SERVICE,
          client_secret: SERVICE_SECRET,
          token_endpoint_auth_method: 'client_secret_post' as const,
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
        },
      ],
      features: {
        backchannelLogout: { enabled: true },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          // Both APIs get RFC 9068 JWT access tokens; anything else is refused.
          getResourceServerInfo: (_ctx: unknown, resource: string) => {
            if (resource !== API && resource !== OTHER_API) throw new Error('unknown resource');
            return {
              scope: 'orders:read orders:write',
              accessTokenFormat: 'jwt',
              accessTokenTTL: 600,
              jwt: { sign: { alg: 'RS256' } },
            };
          },
        },
      },
    };
  });
}, 90_000);

afterAll(async () => {
  worker?.stop();
  await nodeReceiver?.stop();
  await op?.stop();
});

async function clientCredentials(resource: string, scope: string): Promise<string> {
  const response = await fetch(`${op.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: SERVICE,
      client_secret: SERVICE_SECRET,
      resource,
      scope,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (body.access_token === undefined) throw new Error(`token endpoint: ${JSON.stringify(body)}`);
  return body.access_token;
}

describe('RFC 9068 access tokens from oidc-provider', () => {
  it('verifies a client-credentials at+jwt token for this API, then refuses what differs', async () => {
    const token = await clientCredentials(API, 'orders:read');
    const accessTokens = createAccessTokenVerifier({ issuer: op.issuer, audience: API });
    const { payload, header } = await accessTokens.verify(token, {
      scopes: ['orders:read'],
      clientId: SERVICE,
    });
    expect(header).toMatchObject({ typ: 'at+jwt', kid: 'op-1' });
    expect(payload).toMatchObject({ iss: op.issuer, aud: API, client_id: SERVICE });

    expect(await codeAndClaim(accessTokens.verify(token, { scopes: ['orders:write'] }))).toEqual([
      'ERR_CLAIM_INVALID',
      'scope',
    ]);
    expect(await codeAndClaim(accessTokens.verify(token, { clientId: 'someone-else' }))).toEqual([
      'ERR_CLAIM_INVALID',
      'client_id',
    ]);

    // A token the same provider issued for another resource server.
    const forBilling = await clientCredentials(OTHER_API, 'orders:read');
    expect(await codeAndClaim(accessTokens.verify(forBilling))).toEqual([
      'ERR_CLAIM_INVALID',
      'aud',
    ]);
    const billing = createAccessTokenVerifier({ issuer: op.issuer, audience: OTHER_API });
    await expect(billing.verify(forBilling)).resolves.toBeTruthy();
  }, 30_000);

  it('refuses an ID token of the same provider (same key) offered as an access token', async () => {
    const { id_token: idToken } = await signIn(new UserAgent(op.issuer), {
      clientId: 'rp-node',
      redirectUri: REDIRECT_URI,
      nonce: randomUUID(),
    });
    expect(decodeProtectedHeader(idToken).kid).toBe('op-1');
    // Even an API that (wrongly) lists the client as an audience: only typ tells them apart.
    const lenient = createAccessTokenVerifier({ issuer: op.issuer, audience: [API, 'rp-node'] });
    expect(await codeAndClaim(lenient.verify(idToken))).toEqual(['ERR_CLAIM_INVALID', 'typ']);
  }, 30_000);
});

interface Received {
  logoutToken: string | null;
  status: number;
  cacheControl: string | null;
  logout: { sub?: string; sid?: string } | null;
  error: string | null;
}

describe.each(RECEIVERS)('back-channel logout from oidc-provider to %s', (clientId) => {
  const received = async (): Promise<Received[]> =>
    (await fetch(`${receiverUrl.get(clientId)}/received`)).json() as Promise<Received[]>;
  const deliver = async (logoutToken: string) => {
    const response = await fetch(`${receiverUrl.get(clientId)}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: logoutToken }),
    });
    const body =
      response.status === 200
        ? null
        : ((await response.json()) as { error: string; error_description: string });
    return { status: response.status, body, cacheControl: response.headers.get('cache-control') };
  };

  it("accepts the provider's logout token once, and refuses it replayed or tampered", async () => {
    const agent = new UserAgent(op.issuer);
    const { id_token: idToken } = await signIn(agent, {
      clientId,
      redirectUri: REDIRECT_URI,
      nonce: randomUUID(),
    });
    const { sid } = decodeJwt(idToken);
    expect(typeof sid).toBe('string');
    await signOut(agent, clientId);

    const [first, ...others] = await received();
    expect(others).toEqual([]);
    expect(first).toMatchObject({
      status: 200,
      cacheControl: 'no-store',
      logout: { sub: 'alice', sid },
    });
    const logoutToken = first!.logoutToken!;
    expect(decodeProtectedHeader(logoutToken).typ).toBe('logout+jwt');

    const replayed = await deliver(logoutToken);
    expect([replayed.status, replayed.cacheControl]).toEqual([400, 'no-store']);
    expect(replayed.body).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringMatching(/^ERR_CLAIM_INVALID: .*"jti"/),
    });

    // Re-signed with the provider's own key and a fresh jti, so only the rule under test fails.
    const original = decodeJwt(logoutToken);
    const resign = (changes: Record<string, unknown>) => {
      const payload: Record<string, unknown> = { ...original, jti: randomUUID(), ...changes };
      for (const [name, value] of Object.entries(payload))
        if (value === undefined) delete payload[name];
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid: 'op-1', typ: 'logout+jwt' })
        .sign(op.privateKey);
    };
    expect((await deliver(await resign({}))).status).toBe(200); // the control: re-signing alone passes
    const refusals: [Record<string, unknown>, RegExp][] = [
      [{ nonce: randomUUID() }, /^ERR_CLAIM_INVALID: .*"nonce"/],
      [{ events: undefined }, /^ERR_CLAIM_MISSING: .*"events"/],
      [{ events: { 'urn:example:other-event': {} } }, /^ERR_CLAIM_MISSING: .*backchannel-logout/],
      [{ sub: undefined, sid: undefined }, /^ERR_CLAIM_MISSING: .*"sub" nor "sid"/],
    ];
    for (const [changes, description] of refusals) {
      const { status, body } = await deliver(await resign(changes));
      expect([status, body?.error_description], JSON.stringify(changes)).toEqual([
        400,
        expect.stringMatching(description),
      ]);
    }
    const log = await received();
    expect(log.map((r) => r.status)).toEqual([200, 400, 200, 400, 400, 400, 400]);
    expect(log.filter((r) => r.logout !== null)).toHaveLength(2);
  }, 60_000);
});
