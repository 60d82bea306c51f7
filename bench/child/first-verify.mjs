// One sample of scenario 3b, in a fresh Node process: import a library, verify one token against
// a JWKS URL, print the timings as JSON. Usage: node first-verify.mjs <contender> <jwksUrl> <token>
const booted = performance.now(); // since this process started (performance.timeOrigin)
const [contender, url, token] = process.argv.slice(2);
const ISSUER = 'https://issuer.bench';
const AUDIENCE = 'bench';

const tokenwardFrom = ({ createVerifier, jwks }) => {
  const verifier = createVerifier({ keys: jwks(url), issuer: ISSUER, audience: AUDIENCE });
  return (t) => verifier.verify(t);
};

const setups = {
  // By package name: Node's `node` export condition picks dist/node/index.js (node:crypto).
  tokenward: async () => tokenwardFrom(await import('tokenward')),
  'tokenward-web': async () => tokenwardFrom(await import('../../dist/index.js')),
  jose: async () => {
    const { createRemoteJWKSet, jwtVerify } = await import('jose');
    const keys = createRemoteJWKSet(new URL(url));
    return (t) => jwtVerify(t, keys, { issuer: ISSUER, audience: AUDIENCE });
  },
  // No library: what the platform itself costs the first time (fetch, JSON, importKey, verify).
  platform: async () => async (t) => {
    const { keys } = await (await fetch(url)).json();
    const key = await crypto.subtle.importKey(
      'jwk',
      keys[0],
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    const last = t.lastIndexOf('.');
    const ok = await crypto.subtle.verify(
      'RSASSA-PKCS1-v1_5',
      key,
      Buffer.from(t.slice(last + 1), 'base64url'),
      new TextEncoder().encode(t.slice(0, last)),
    );
    if (!ok) throw new Error('platform: signature does not verify');
    return JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString());
  },
};

const started = performance.now();
const verify = await setups[contender]();
const imported = performance.now();
await verify(token);
const verified = performance.now();
process.stdout.write(
  JSON.stringify({
    bootMs: booted,
    importMs: imported - started,
    verifyMs: verified - imported,
    totalMs: verified - started,
    sinceProcessStartMs: verified,
  }),
);
