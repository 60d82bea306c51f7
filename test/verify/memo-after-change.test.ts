import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, jwks, type SignatureProvider } from '../../src/index.js';
import { webCrypto } from '../../src/crypto/webcrypto.js';
import { codeOf } from '../helpers/outcome.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { json, ScriptedServer } from '../helpers/scripted-server.js';

// The memo vouches for a token only while the key set that verified it holds. A verify still
// running when the keys change (a refetch) or are forgotten (clear()) must not be remembered
// when it finishes, or a token of a key the issuer has since removed keeps passing from memory.

const server = new ScriptedServer();
let old: TestKey;
let next: TestKey;
beforeAll(async () => {
  await server.start();
  [old, next] = await Promise.all([makeKey('old', 'ES256'), makeKey('next', 'ES256')]);
});
afterAll(() => server.stop());

describe('a verify in flight across clear() is not remembered', () => {
  // Kills the generation check of verifier.ts's verifyFully forced true (`generation ===
  // keySetGeneration` → `true`), and clear() no longer moving the generation on.
  it('refuses the token of a rotated-out key after clear(), though it verified while in flight', async () => {
    server.fallback = json({ keys: [old.publicJwk] });
    const verifier = createVerifier({
      keys: jwks(`${server.url}/jwks`, { retry: 0 }),
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['ES256'],
    });
    await verifier.hydrate();
    const token = await sign(old);
    const inFlight = verifier.verify(token); // runs up to its signature check, then waits
    const cleared = verifier.clear(); // e.g. the app heard the old key was compromised
    server.fallback = json({ keys: [next.publicJwk] });
    expect(await codeOf(inFlight)).toBe('OK'); // it began before the clear: fine to answer
    await cleared;
    // The new set is fetched and used by another token...
    expect(await codeOf(verifier.verify(await sign(next)))).toBe('OK');
    // ...and the old key's token, verified while the clear happened, is not taken from memory.
    expect(await codeOf(verifier.verify(token))).toBe('ERR_KEY_NOT_FOUND');
  });
});

describe('a verify in flight across a key rotation is not remembered', () => {
  // Kills the key cache's change no longer moving the generation on (onChange's
  // `keySetGeneration++` removed): the memo is cleared, then refilled by the verify that was
  // still checking its signature with the old key. The crypto option holds that check open.
  it("refuses the old key's token once another token's refetch has rotated it out", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    const slow: SignatureProvider = {
      ...(webCrypto as SignatureProvider),
      name: 'held WebCrypto',
      async verify(alg, key, data, signature) {
        if (first) {
          first = false;
          await held;
        }
        return webCrypto.verify(alg, key as never, data, signature);
      },
    };
    server.fallback = json({ keys: [old.publicJwk] });
    const verifier = createVerifier({
      keys: jwks(`${server.url}/jwks`, { retry: 0, cooldown: 0 }),
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['ES256'],
      crypto: slow,
    });
    await verifier.hydrate();
    const token = await sign(old);
    const inFlight = verifier.verify(token); // waits inside its signature check
    server.fallback = json({ keys: [next.publicJwk] });
    expect(await codeOf(verifier.verify(await sign(next)))).toBe('OK'); // refetched: rotated
    release();
    expect(await codeOf(inFlight)).toBe('OK');
    expect(await codeOf(verifier.verify(token))).toBe('ERR_KEY_NOT_FOUND');
  });
});

describe('a remembered token counts only while its key set is servable', () => {
  // Kills the memo hit's `keys.servable()` test removed: once the set has gone stale (and the
  // key server answers), the next verify refetches, so a rotated-out key stops at once.
  it('refetches once the set is stale, and refuses a token whose key left it', async () => {
    let now = Date.now();
    server.fallback = json({ keys: [old.publicJwk] }, { 'cache-control': 'max-age=10' });
    const verifier = createVerifier({
      keys: jwks(`${server.url}/jwks`, { retry: 0 }),
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['ES256'],
      clock: () => now,
    });
    const token = await sign(old, { exp: Math.floor(now / 1000) + 3600 });
    const first = await verifier.verify(token);
    now += 9_000;
    expect(await verifier.verify(token)).toBe(first); // fresh: a memo hit
    server.fallback = json({ keys: [next.publicJwk] }, { 'cache-control': 'max-age=10' });
    now += 2_000;
    expect(await codeOf(verifier.verify(token))).toBe('ERR_KEY_NOT_FOUND');
  });
});
