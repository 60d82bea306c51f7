import { calculateJwkThumbprint, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createVerifier,
  jwks,
  signedJwks,
  type KeySource,
  type VerifierEvent,
} from '../../src/index.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { KeyServer } from '../helpers/key-server.js';
import { MitmProxy, resolvingTo } from '../helpers/mitm-proxy.js';
import { codeOf } from '../helpers/outcome.js';

// The client asks http://idp.test (no TLS, not loopback); every answer passes the proxy.
const issuer = new KeyServer();
const proxy = new MitmProxy(() => issuer.url);
const IDP = 'http://idp.test';
let k1: TestKey;
let anchor: TestKey;
let evil: TestKey; // the attacker's key, with the genuine kid
let evilAnchor: TestKey;
let pins: string[];
let clock = Date.now();
const seconds = () => Math.floor(clock / 1000);

beforeAll(async () => {
  await Promise.all([issuer.start(), proxy.start()]);
  [k1, anchor, evil, evilAnchor] = await Promise.all([
    makeKey('k1'),
    makeKey('anchor'),
    makeKey('k1'),
    makeKey('anchor'),
  ]);
  pins = [await calculateJwkThumbprint(k1.publicJwk, 'sha256')];
});
afterAll(() => Promise.all([issuer.stop(), proxy.stop()]));
afterEach(() => {
  issuer.reset();
  proxy.rewrite = () => undefined;
  clock = Date.now();
});

const signedSet = (by: TestKey, keys: TestKey[], claims: Record<string, number> = {}) =>
  new SignJWT({ keys: keys.map((k) => k.publicJwk), iss: ISSUER, iat: seconds(), ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: by.kid, typ: 'jwk-set+jwt' })
    .sign(by.privateKey);

/** The issuer hands out a token at /token; the client fetches it through the proxy. */
async function tokenThroughProxy(): Promise<string> {
  issuer.routes.set('/token', { body: await sign(k1, {}, {}, seconds()), type: 'text/plain' });
  return (await fetch(`${proxy.url}/token`)).text();
}

function verifierOf(keys: KeySource) {
  const events: VerifierEvent[] = [];
  const verifier = createVerifier({
    keys,
    issuer: ISSUER,
    audience: AUDIENCE,
    clock: () => clock,
    onEvent: (e) => events.push(e),
  });
  return { verifier, events };
}

const remote = { retry: 0, cooldown: 1, fetch: resolvingTo('idp.test', proxy) };
const forgedToken = () => sign(evil, { sub: 'admin' }, {}, seconds());

describe('a MITM on plain http, pins and signed sets', () => {
  it('without pins or a signed set, the creation-time rule fires; insecure: true lets the swap through', async () => {
    expect(() => jwks(`${IDP}/jwks`, remote)).toThrow(/plain http .* swap the keys/);
    issuer.json('/jwks', { keys: [k1.publicJwk] });
    proxy.rewrite = ({ path }) =>
      path === '/jwks' ? { body: JSON.stringify({ keys: [evil.publicJwk] }) } : undefined;
    const { verifier } = verifierOf(jwks(`${IDP}/jwks`, { ...remote, insecure: true }));
    // What insecure: true gives up: the attacker's key and token pass every check.
    expect((await verifier.verify(await forgedToken())).payload.sub).toBe('admin');
  });

  it('with pins: a swapped key set and rewritten tokens are refused; the held set keeps serving', async () => {
    issuer.json('/jwks', { keys: [k1.publicJwk] }, { cacheControl: 'max-age=10' });
    const { verifier, events } = verifierOf(jwks(`${IDP}/jwks`, { ...remote, pins }));
    expect(await codeOf(verifier.verify(await tokenThroughProxy()))).toBe('OK');

    const forged = await forgedToken();
    proxy.rewrite = ({ path }) =>
      path === '/jwks'
        ? { body: JSON.stringify({ keys: [evil.publicJwk] }) }
        : path === '/token'
          ? { body: forged }
          : undefined;
    clock += 11_000; // the set is stale: the next verify refetches, through the proxy
    const rewritten = await tokenThroughProxy();
    expect(rewritten).toBe(forged);
    expect(await codeOf(verifier.verify(rewritten))).toBe('ERR_SIGNATURE_INVALID');
    const refused = events.find((e) => e.type === 'keys:error');
    expect(refused?.type === 'keys:error' && refused.error.message).toMatch(/no pinned key/);
    expect(events.some((e) => e.type === 'keys:stale')).toBe(true);
    proxy.rewrite = ({ path }) =>
      path === '/jwks' ? { body: JSON.stringify({ keys: [evil.publicJwk] }) } : undefined;
    expect(await codeOf(verifier.verify(await tokenThroughProxy()))).toBe('OK'); // genuine, held set
    expect(proxy.seen.filter((p) => p === '/jwks').length).toBeGreaterThanOrEqual(2);
  });

  it('with a signed set: re-signed, replayed and expired sets are refused; the held set keeps serving', async () => {
    const anchors = { keys: [anchor.publicJwk] };
    const older = await signedSet(anchor, [evil], { iat: seconds() - 3600 }); // once genuine
    const expired = await signedSet(anchor, [evil], { iat: seconds() + 1, exp: seconds() + 2 });
    const serve = (body: string) =>
      issuer.routes.set('/signed', {
        body,
        type: 'application/jwk-set+jwt',
        cacheControl: 'max-age=10',
      });
    serve(await signedSet(anchor, [k1]));
    const source = signedJwks(`${IDP}/signed`, { ...remote, anchors, issuer: ISSUER });
    const { verifier, events } = verifierOf(source);
    expect(await codeOf(verifier.verify(await tokenThroughProxy()))).toBe('OK');

    const resigned = await signedSet(evilAnchor, [evil]);
    for (const [attack, body, why] of [
      ['re-signed', resigned, /no anchor key verifies/],
      ['replayed', older, /replayed older set/],
      ['expired', expired, /expired/],
    ] as const) {
      if (attack === 'expired') clock += 3_000;
      proxy.rewrite = ({ path }) => (path === '/signed' ? { body } : undefined);
      clock += 11_000;
      const errorsBefore = events.filter((e) => e.type === 'keys:error').length;
      expect(await codeOf(verifier.verify(await forgedToken())), attack).not.toBe('OK');
      const errors = events.filter((e) => e.type === 'keys:error');
      expect(errors.length, attack).toBe(errorsBefore + 1);
      const last = errors.at(-1)!;
      expect(last.type === 'keys:error' && last.error.message, attack).toMatch(why);
      clock += 1_500; // past the cooldown, before the next attack
      expect(await codeOf(verifier.verify(await tokenThroughProxy())), attack).toBe('OK');
    }
    // A fresh client that meets the attacker first holds nothing and refuses.
    proxy.rewrite = ({ path }) => (path === '/signed' ? { body: resigned } : undefined);
    const cold = verifierOf(signedJwks(`${IDP}/signed`, { ...remote, anchors, issuer: ISSUER }));
    expect(await codeOf(cold.verifier.verify(await forgedToken()))).toBe('ERR_KEY_INVALID');
  });
});
