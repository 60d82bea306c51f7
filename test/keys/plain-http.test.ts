import { calculateJwkThumbprint } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, discovery, jwks, pem, signedJwks } from '../../src/index.js';
import { AUDIENCE, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { refusal } from '../helpers/outcome.js';
import { KeyServer } from '../helpers/key-server.js';

const server = new KeyServer();
let key: TestKey;
let pin: string;

beforeAll(async () => {
  await server.start();
  key = await makeKey('k1');
  pin = await calculateJwkThumbprint(key.publicJwk, 'sha256');
});
afterAll(() => server.stop());
afterEach(() => server.reset());

describe('the plain-http rule at creation', () => {
  const exposed = ['http://idp.test/keys', 'http://10.0.0.5:8080/keys', 'http://[fe80::1]/keys'];

  it.each(exposed)('refuses %s without pins, a signed set or insecure: true', (url) => {
    expect(() => jwks(url)).toThrow(/^jwks\(\): .*plain http .*pins.*insecure: true/);
    expect(() => pem(url)).toThrow(/^pem\(\): .*plain http/);
    expect(() => discovery(new URL(url).origin)).toThrow(/^discovery\(\): .*plain http/);
  });

  it.each(exposed)('accepts %s with pins, insecure: true, or as a signedJwks', (url) => {
    expect(jwks(url, { pins: [pin] }).kind).toBe('jwks');
    expect(jwks(url, { insecure: true }).kind).toBe('jwks');
    expect(pem(url, { pins: [pin] }).kind).toBe('pem');
    expect(discovery(new URL(url).origin, { insecure: true }).kind).toBe('discovery');
    expect(signedJwks(url, { anchors: key.publicJwk }).kind).toBe('signed-jwks');
    expect(() => jwks(url, { insecure: false })).toThrow(TypeError);
  });

  it.each([
    'http://localhost:8080/keys',
    'http://127.0.0.1/keys',
    'http://127.255.0.9:1/keys',
    'http://[::1]:9/keys',
    'https://idp.test/keys',
  ])('takes %s as it is (loopback or https)', (url) => {
    expect(jwks(url).kind).toBe('jwks');
  });
});

describe('the plain-http rule for a discovered jwks_uri', () => {
  it('refuses a plain-http jwks_uri on another host before any request is sent to it', async () => {
    const asked: string[] = [];
    // Real requests to the local server, each URL recorded: idp.test is never asked for.
    const recording = (input: string, init: RequestInit) => {
      asked.push(input);
      return fetch(input.replace('http://idp.test', server.url), init);
    };
    server.json('/.well-known/openid-configuration', {
      issuer: server.url,
      jwks_uri: 'http://idp.test/keys',
    });
    server.json('/keys', { keys: [key.publicJwk] });
    const verifier = createVerifier({
      keys: discovery(server.url, { retry: 0, fetch: recording }),
      audience: AUDIENCE,
    });
    const error = await refusal(verifier.verify(await sign(key, { iss: server.url })));
    expect(error.code).toBe('ERR_KEY_FETCH_FAILED');
    expect(error.message).toMatch(/plain-http keys on a host that is not loopback/);
    expect(asked).toEqual([`${server.url}/.well-known/openid-configuration`]);

    for (const options of [{ pins: [pin] }, { insecure: true }]) {
      const allowed = createVerifier({
        keys: discovery(server.url, { retry: 0, fetch: recording, ...options }),
        audience: AUDIENCE,
      });
      expect((await allowed.verify(await sign(key, { iss: server.url }))).payload.sub).toBe(
        'user-1',
      );
    }
    expect(asked).toContain('http://idp.test/keys');
  });
});
