import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createVerifier,
  isVerificationError,
  jwks,
  localJwks,
  memoryStore,
  type KeySource,
} from '../../src/index.js';
import { KeyServer } from '../helpers/key-server.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { assertWellBehaved, fuzzRuns, fuzzTimeout, outcome, type Outcome } from './fuzz-config.js';

// Key-set documents of random shape, inline and served by a real HTTP server: creating the
// source and verifying end in a result, a VerificationError, or (at creation) a TypeError —
// and a token is accepted only if the document holds the key that signed it.

let server: KeyServer;
let rs: TestKey;
let es: TestKey;
let token: string;

beforeAll(async () => {
  server = await new KeyServer().start();
  [rs, es] = await Promise.all([makeKey('rs', 'RS256'), makeKey('es', 'ES256')]);
  token = await sign(rs);
});
afterAll(() => server.stop());

const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', 'AQAB', 'AA', '=', 'é', '__proto__', 'constructor'),
);

/** A JWK-like object: members drawn from real keys, plausible values and junk. */
const jwkLike = fc.record(
  {
    kty: fc.oneof(fc.constantFrom('RSA', 'EC', 'OKP', 'oct', 'rsa', ''), junk),
    kid: fc.oneof(fc.constantFrom('rs', 'es', ''), junk),
    alg: fc.oneof(fc.constantFrom('RS256', 'ES256', 'HS256', 'none', 'PS256'), junk),
    use: fc.oneof(fc.constantFrom('sig', 'enc'), junk),
    key_ops: fc.oneof(fc.constant(['verify']), fc.constant(['sign']), junk),
    crv: fc.oneof(fc.constantFrom('P-256', 'P-384', 'Ed25519', 'X25519'), junk),
    n: fc.oneof(fc.constant('real-n'), junk),
    e: fc.oneof(fc.constantFrom('AQAB', 'AQ', 'Aw'), junk),
    x: fc.oneof(fc.constant('real-x'), junk),
    y: fc.oneof(fc.constant('real-y'), junk),
    d: junk,
    k: junk,
    x5c: fc.oneof(fc.constant(['MIIB']), junk),
  },
  { requiredKeys: [] },
);

/** A document: any JSON, or a set mixing JWK-like entries with (sometimes altered) real keys. */
const keySetDocument = fc
  .oneof(
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          fc.array(
            fc.oneof(
              jwkLike,
              fc.constantFrom('rs', 'es'),
              fc.tuple(fc.constantFrom('rs', 'es'), jwkLike),
            ),
            { maxLength: 5 },
          ),
          fc.option(junk, { nil: undefined }),
        )
        .map(([entries, extra]) => ({ keys: entries, ...(extra === undefined ? {} : { extra }) })),
    },
  )
  .map((document) => materialize(document));

/** Puts real key material where the arbitraries left placeholders. */
function materialize(document: unknown): unknown {
  if (
    typeof document !== 'object' ||
    document === null ||
    !Array.isArray((document as { keys?: unknown }).keys)
  )
    return document;
  const real = { rs: rs.publicJwk, es: es.publicJwk };
  const keys = (document as { keys: unknown[] }).keys.map((entry) => {
    if (entry === 'rs' || entry === 'es') return real[entry];
    if (Array.isArray(entry)) return { ...real[entry[0] as 'rs' | 'es'], ...(entry[1] as object) };
    const jwk = { ...(entry as Record<string, unknown>) };
    if (jwk.n === 'real-n') jwk.n = rs.publicJwk.n;
    if (jwk.x === 'real-x') jwk.x = es.publicJwk.x;
    if (jwk.y === 'real-y') jwk.y = es.publicJwk.y;
    return jwk;
  });
  return { ...document, keys };
}

/** Whether the document holds the RSA key that signed the token (the only way to accept it). */
function holdsSigningKey(document: unknown): boolean {
  const keys = (document as { keys?: unknown } | null)?.keys;
  return (
    Array.isArray(keys) &&
    keys.some(
      (k) => typeof k === 'object' && k !== null && k.n === rs.publicJwk.n && k.e === 'AQAB',
    )
  );
}

async function verifyWith(source: () => KeySource): Promise<Outcome> {
  let keys: KeySource;
  try {
    keys = source();
  } catch (error) {
    // Creation may refuse at once: a TypeError for bad options, a VerificationError for bad keys.
    if (error instanceof TypeError) return { kind: 'refused', code: 'TypeError' };
    if (isVerificationError(error)) return { kind: 'refused', code: error.code };
    return { kind: 'crashed', error: new Error(`creating the key source threw ${String(error)}`) };
  }
  const verifier = createVerifier({
    keys,
    issuer: ISSUER,
    audience: AUDIENCE,
    cache: memoryStore(),
  });
  return outcome(() => verifier.verify(token));
}

let path = 0;

describe('key-set documents of any shape', () => {
  it(
    'inline (localJwks): a result or a VerificationError, accepted only with the signing key',
    async () => {
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(keySetDocument, async (document) => {
          const result = await verifyWith(() => localJwks(structuredClone(document) as never));
          assertWellBehaved(result);
          if (result.kind === 'accepted') expect(holdsSigningKey(document)).toBe(true);
          if (result.kind === 'accepted') accepted++;
        }),
        fuzzRuns(300),
      );
      expect(accepted, 'the documents never held a usable key: a weak property').toBeGreaterThan(0);
    },
    fuzzTimeout(3000),
  );

  it(
    'served over HTTP (jwks): a result or a VerificationError, accepted only with the signing key',
    async () => {
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(keySetDocument, async (document) => {
          const route = `/set/${path++}`;
          server.json(route, document);
          const result = await verifyWith(() =>
            jwks(`${server.url}${route}`, { retry: 0, timeout: 2 }),
          );
          assertWellBehaved(result);
          if (result.kind === 'accepted') expect(holdsSigningKey(document)).toBe(true);
          if (result.kind === 'accepted') accepted++;
        }),
        fuzzRuns(150),
      );
      expect(accepted, 'the documents never held a usable key: a weak property').toBeGreaterThan(0);
    },
    fuzzTimeout(5000),
  );
});
