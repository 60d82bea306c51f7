// Resource matching on the attach side (issue 23): createFetch with allowedOrigins against
// createFetch with `resources` (10 entries, the matched one checked against aud/scope/iss),
// the same verified token, the same in-process fetch (a Response made on the spot, so the
// network is not in the numbers). Run: npm run build && node --expose-gc bench/resources.mjs
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createFetch, createVerifier, localJwks } from 'tokenward';
import { compare, each } from './lib/measure.mjs';
import { printRatio, printTable, title } from './lib/report.mjs';

const ISSUER = 'https://idp.bench.test';
const API = 'https://api.bench.test';
const { privateKey, publicKey } = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'b1', alg: 'RS256' };
const now = Math.floor(Date.now() / 1000);
const token = await new SignJWT({ scope: 'read write', sub: 'u' })
  .setProtectedHeader({ alg: 'RS256', kid: 'b1' })
  .setIssuer(ISSUER)
  .setAudience(`${API}/v2`)
  .setIssuedAt(now)
  .setExpirationTime(now + 3600)
  .sign(privateKey);
// The memo is on (the default), so a request costs the attach side, not a signature check.
const verifier = createVerifier({ keys: localJwks(jwk), issuer: ISSUER, audience: null });
const answer = () => Promise.resolve(new Response(null, { status: 204 }));
const resources = [
  ...Array.from({ length: 9 }, (_, i) => ({
    url: `https://api${i}.bench.test/`,
    resource: `https://api${i}.bench.test`,
  })),
  { url: `${API}/v2/`, resource: `${API}/v2`, scopes: ['read'], issuers: [ISSUER] },
];
const origins = createFetch({
  verifier,
  getToken: () => token,
  allowedOrigins: [API],
  fetch: answer,
});
const matched = createFetch({ verifier, getToken: () => token, resources, fetch: answer });
const url = (i) => `${API}/v2/items/${i}`;

title('Resource matching: µs per createFetch call (in-process fetch, memoised verify)');
const rows = await compare(
  [
    { name: 'allowedOrigins (origin only)', run: each((i) => origins(url(i)), 1000) },
    { name: 'resources (10 entries, aud/scope/iss)', run: each((i) => matched(url(i)), 1000) },
  ],
  { rounds: 9, ops: 20_000, blocks: 20, warm: 50 },
);
printTable(rows, 'allowedOrigins (origin only)');
printRatio(
  'resources ÷ allowedOrigins (speed)',
  rows,
  'resources (10 entries, aud/scope/iss)',
  'allowedOrigins (origin only)',
);
