import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Verifier } from '../../src/index.js';
import { sign, type TestKey } from '../helpers/keys.js';
import { assertWellBehaved, fuzzRuns, fuzzTimeout, outcome } from './fuzz-config.js';
import {
  applyEdits,
  edit,
  encodingChange,
  jsonRespelling,
  respell,
  rsAndEsVerifier,
  type JsonRespelling,
} from './token-arbitraries.js';

// Properties of verify() under hostile tokens, through the public API only:
// every call settles (raced against a time limit) with a result or a VerificationError, and a
// token is accepted only if the bytes its signature covers are the ones that were signed.
// Whether a *different spelling* of the same bytes is accepted is canonical.fuzz.test.ts.

let rs: TestKey;
let es: TestKey;
let tokens: string[];
let verifier: Verifier;

beforeAll(async () => {
  ({ rs, es, verifier } = await rsAndEsVerifier());
  const now = Math.floor(Date.now() / 1000);
  tokens = await Promise.all([
    sign(rs, { exp: now + 3600 }),
    sign(es, { exp: now + 3600, scope: 'read write', n: 1.5, nested: { a: [1, 'ü'] } }),
    sign(es, { exp: now + 3600, jti: 'x' }, { kid: undefined }),
  ]);
});

const bytesOf = (part: string) => Buffer.from(part, 'base64url');

/** Whether each part decodes (leniently, as Node does) to the same bytes as the original's. */
function sameSignedBytes(candidate: string, original: string): boolean {
  const a = candidate.split('.');
  const b = original.split('.');
  return a.length === 3 && a.every((part, i) => bytesOf(part).equals(bytesOf(b[i]!)));
}

const token = () => fc.integer({ min: 0, max: 2 }).map((i) => tokens[i]!);

describe('verify() under fuzzed tokens', () => {
  it(
    'settles with a refusal for arbitrary strings and token-shaped garbage',
    async () => {
      const part = fc.string({ unit: fc.constantFrom(...'AZaz09-_=+/ .'), maxLength: 40 });
      const garbage = fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.tuple(part, part, part).map((parts) => parts.join('.')),
        fc.array(part, { maxLength: 7 }).map((parts) => parts.join('.')),
        fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url')),
      );
      await fc.assert(
        fc.asyncProperty(garbage, async (input) => {
          const result = await outcome(() => verifier.verify(input));
          assertWellBehaved(result);
          expect(result.kind).toBe('refused');
        }),
        fuzzRuns(300),
      );
    },
    fuzzTimeout(3000),
  );

  it(
    'accepts a token with edited characters only if its signed bytes are unchanged',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          token(),
          fc.array(edit, { minLength: 1, maxLength: 4 }),
          async (t, edits) => {
            const mutated = applyEdits(t, edits);
            const result = await outcome(() => verifier.verify(mutated));
            assertWellBehaved(result);
            if (mutated === t) expect(result.kind).toBe('accepted');
            if (result.kind === 'accepted') expect(sameSignedBytes(mutated, t)).toBe(true);
          },
        ),
        fuzzRuns(400),
      );
    },
    fuzzTimeout(4000),
  );

  it(
    'refuses padding, the standard alphabet and whitespace in any part',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          token(),
          fc.integer({ min: 0, max: 2 }),
          encodingChange,
          async (t, index, change) => {
            const parts = t.split('.');
            parts[index] = change(parts[index]!);
            const mutated = parts.join('.');
            fc.pre(mutated !== t);
            const result = await outcome(() => verifier.verify(mutated));
            assertWellBehaved(result);
            expect(result.kind).toBe('refused');
          },
        ),
        fuzzRuns(100),
      );
    },
    fuzzTimeout(2000),
  );

  it(
    'refuses a header or payload re-encoded with the same meaning but not re-signed',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          token(),
          fc.integer({ min: 0, max: 1 }),
          jsonRespelling,
          async (t, index, how: JsonRespelling) => {
            const parts = t.split('.');
            const json = JSON.parse(bytesOf(parts[index]!).toString()) as Record<string, unknown>;
            parts[index] = Buffer.from(respell(json, how)).toString('base64url');
            const mutated = parts.join('.');
            fc.pre(mutated !== t);
            const result = await outcome(() => verifier.verify(mutated));
            assertWellBehaved(result);
            expect(result).toEqual({ kind: 'refused', code: 'ERR_SIGNATURE_INVALID' });
          },
        ),
        fuzzRuns(100),
      );
    },
    fuzzTimeout(2000),
  );

  it(
    'accepts a re-encoded header and payload once re-signed, and reads the same claims',
    async () => {
      await fc.assert(
        fc.asyncProperty(jsonRespelling, jsonRespelling, async (headerHow, payloadHow) => {
          const original = tokens[1]!;
          const [h, p] = original
            .split('.')
            .slice(0, 2)
            .map((part) => JSON.parse(bytesOf(part).toString()));
          const respelled = await signJson(respell(h, headerHow), respell(p, payloadHow));
          const result = await outcome(() => verifier.verify(respelled));
          assertWellBehaved(result);
          expect(result.kind).toBe('accepted');
          if (result.kind === 'accepted')
            expect((result.value as { payload: unknown }).payload).toEqual(p);
        }),
        fuzzRuns(60),
      );
    },
    fuzzTimeout(2000),
  );
});

/** Signs header and payload JSON text exactly as given (ES256), as an odd but honest issuer might. */
async function signJson(headerJson: string, payloadJson: string): Promise<string> {
  const input = `${Buffer.from(headerJson).toString('base64url')}.${Buffer.from(payloadJson).toString('base64url')}`;
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    es.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}
