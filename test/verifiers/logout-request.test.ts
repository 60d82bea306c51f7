import { beforeAll, describe, expect, it } from 'vitest';
import {
  BACKCHANNEL_LOGOUT_EVENT,
  createLogoutTokenVerifier,
  handleLogoutRequest,
  localJwks,
  type VerifiedLogout,
  type LogoutTokenVerifier,
} from '../../src/index.js';
import { makeKey, sign, type TestKey } from '../helpers/keys.js';

const ISSUER = 'https://op.example';
const CLIENT = 'rp-1';
const URL_ = 'https://rp.example/backchannel-logout';
const FORM = 'application/x-www-form-urlencoded';
let key: TestKey;

beforeAll(async () => {
  key = await makeKey('op-1');
});

const logoutToken = (claims: Record<string, unknown> = {}) =>
  sign(
    key,
    {
      iss: ISSUER,
      aud: CLIENT,
      sub: 'alice',
      sid: 's-1',
      jti: crypto.randomUUID(),
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      ...claims,
    },
    { typ: 'logout+jwt' },
  );

const verifier = (): LogoutTokenVerifier =>
  createLogoutTokenVerifier({
    issuer: ISSUER,
    clientId: CLIENT,
    keys: localJwks({ keys: [key.publicJwk] }),
  });

const post = (body: BodyInit | null, contentType = FORM, headers: Record<string, string> = {}) =>
  new Request(URL_, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);

const form = (fields: [string, string][]) => new URLSearchParams(fields).toString();

async function errorOf(response: Response): Promise<[number, string, string]> {
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = (await response.json()) as { error: string; error_description: string };
  return [response.status, body.error, body.error_description];
}

describe('handleLogoutRequest', () => {
  it('answers 200 with Cache-Control: no-store and hands { sub, sid, payload } to onLogout', async () => {
    const logouts: VerifiedLogout[] = [];
    const token = await logoutToken();
    const response = await handleLogoutRequest(
      post(form([['logout_token', token]]), `${FORM}; charset=UTF-8`),
      verifier(),
      async (logout) => {
        await new Promise((r) => setTimeout(r, 5));
        logouts.push(logout);
      },
    );
    expect([response.status, response.headers.get('cache-control'), await response.text()]).toEqual(
      [200, 'no-store', ''],
    );
    expect(logouts).toHaveLength(1);
    expect([logouts[0]!.sub, logouts[0]!.sid, logouts[0]!.payload.aud]).toEqual([
      'alice',
      's-1',
      CLIENT,
    ]);
  });

  it('works without onLogout', async () => {
    const response = await handleLogoutRequest(
      post(form([['logout_token', await logoutToken()]])),
      verifier(),
    );
    expect(response.status).toBe(200);
  });

  it('answers 400 with a JSON error for a token that fails, naming the code, never the token', async () => {
    const v = verifier();
    let called = 0;
    const token = await logoutToken({ nonce: 'n' });
    const [status, error, description] = await errorOf(
      await handleLogoutRequest(post(form([['logout_token', token]])), v, () => void called++),
    );
    expect([status, error]).toEqual([400, 'invalid_request']);
    expect(description).toMatch(/^ERR_CLAIM_INVALID: /);
    expect(description).not.toContain(token.split('.')[1]);
    expect(called).toBe(0);
  });

  it('answers 400 to a replayed token, after 200 to the first delivery', async () => {
    const v = verifier();
    const body = form([['logout_token', await logoutToken()]]);
    expect((await handleLogoutRequest(post(body), v)).status).toBe(200);
    const [status, , description] = await errorOf(await handleLogoutRequest(post(body), v));
    expect([status, description]).toEqual([
      400,
      expect.stringMatching(/^ERR_CLAIM_INVALID: .*replay/),
    ]);
  });

  it.each(['GET', 'PUT', 'DELETE'])('answers %s with 405 and Allow: POST', async (method) => {
    const response = await handleLogoutRequest(new Request(URL_, { method }), verifier());
    expect(response.headers.get('allow')).toBe('POST');
    expect((await errorOf(response))[0]).toBe(405);
  });

  it.each([
    [
      'a JSON body',
      'application/json',
      async () => JSON.stringify({ logout_token: await logoutToken() }),
    ],
    ['a multipart content type', 'multipart/form-data; boundary=x', async () => 'x'],
    ['no content type', '', async () => form([['logout_token', await logoutToken()]])],
    ['no logout_token', FORM, async () => form([['token', await logoutToken()]])],
    ['an empty logout_token', FORM, async () => form([['logout_token', '']])],
    ['an empty body', FORM, async () => ''],
    [
      'two logout_tokens',
      FORM,
      async () =>
        form([
          ['logout_token', await logoutToken()],
          ['logout_token', await logoutToken()],
        ]),
    ],
  ])('answers 400 to %s', async (_, contentType, body) => {
    const request =
      contentType === ''
        ? new Request(URL_, { method: 'POST', body: new Blob([await body()]) })
        : post(await body(), contentType);
    const [status, error] = await errorOf(await handleLogoutRequest(request, verifier()));
    expect([status, error]).toEqual([400, 'invalid_request']);
  });

  it('reads no more than 32 KiB of a body, declared or streamed', async () => {
    const padded = form([
      ['logout_token', await logoutToken()],
      ['padding', 'x'.repeat(33 * 1024)],
    ]);
    expect((await errorOf(await handleLogoutRequest(post(padded), verifier())))[0]).toBe(400);
    // A body that never ends: the read stops at the bound and cancels the stream.
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024).fill(0x61));
      },
      cancel() {
        cancelled = true;
      },
    });
    const [status] = await errorOf(await handleLogoutRequest(post(endless), verifier()));
    expect(status).toBe(400);
    expect(pulled).toBeLessThan(40);
    expect(cancelled).toBe(true);
    // A Content-Length over the bound is refused before reading.
    let read = false;
    const lying = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          read = true;
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const declared = post(lying, FORM, { 'content-length': String(1024 * 1024) });
    expect((await errorOf(await handleLogoutRequest(declared, verifier())))[0]).toBe(400);
    // happy-dom drops Content-Length as a browser does (a forbidden header); servers keep it.
    if (declared.headers.has('content-length')) expect(read).toBe(false);
    else expect(typeof window).toBe('object');
  });

  it('rethrows what onLogout throws: a failure of the app, not of the request', async () => {
    const failure = new Error('session store down');
    await expect(
      handleLogoutRequest(post(form([['logout_token', await logoutToken()]])), verifier(), () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
  });
});
