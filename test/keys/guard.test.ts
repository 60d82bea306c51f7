import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, jwks } from '../../src/index.js';
import type { SignatureProvider } from '../../src/crypto/provider.js';
import { webCrypto } from '../../src/crypto/webcrypto.js';
import { defaultCrypto } from '../../src/crypto/default-node.js';
import { readStoredKeySet } from '../../src/keys/stored-entry.js';
import { codeOf, refusal } from '../helpers/outcome.js';
import { KeyServer } from '../helpers/key-server.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { runCommand } from '../helpers/spawn.js';

// Key sets as real key servers write them (issue 21): lenient about key material, strict about
// anything private, and every token part still strict base64url.
const PROVIDERS = [
  ['WebCrypto', webCrypto as SignatureProvider],
  ['node:crypto', defaultCrypto('test')],
] as const;

/** A copy of the shape Battle.net publishes: `n` and `e` in standard base64, padding and all. */
const BATTLE_NET = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures/battlenet-jwks.json'), 'utf8'),
) as { keys: Record<string, string>[] };

const standardBase64 = (member: unknown) =>
  Buffer.from(String(member), 'base64url').toString('base64');

let server: KeyServer;
let rsa: TestKey;
let other: TestKey;
let ec: TestKey;

beforeAll(async () => {
  server = await new KeyServer().start();
  [rsa, other, ec] = await Promise.all([makeKey('r1'), makeKey('r2'), makeKey('e1', 'ES256')]);
});
afterAll(() => server.stop());
afterEach(() => server.reset());

function publish(keys: unknown[], provider?: SignatureProvider) {
  server.json('/jwks', { keys });
  return createVerifier({
    keys: jwks(`${server.url}/jwks`, { retry: 0 }),
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['RS256', 'ES256'],
    ...(provider === undefined ? {} : { crypto: provider }),
  });
}

describe.each(PROVIDERS)('key sets as key servers write them (%s)', (_, provider) => {
  it('verifies tokens of a Battle.net-shaped set (standard base64 n and e, "=" padding)', async () => {
    const { n, e } = rsa.publicJwk;
    const published = { kty: 'RSA', e: standardBase64(e), use: 'sig', kid: 'r1', alg: 'RS256' };
    const ours = { ...published, n: standardBase64(n) };
    expect(ours.n).toMatch(/[+/]|=$/);
    const verifier = publish([...BATTLE_NET.keys, ours], provider);
    expect((await verifier.verify(await sign(rsa))).payload.sub).toBe('user-1');
    // The copied keys load too: a token naming one is refused for its signature, not its key.
    for (const { kid } of BATTLE_NET.keys) {
      const forged = await sign(other, {}, { kid });
      expect(await codeOf(verifier.verify(forged))).toBe('ERR_SIGNATURE_INVALID');
    }
  });

  it('accepts padded base64url members, and standard base64 x and y of an EC key', async () => {
    const { x, y } = ec.publicJwk;
    const padded = { ...rsa.publicJwk, n: `${rsa.publicJwk.n}==` };
    const standard = { ...ec.publicJwk, x: standardBase64(x), y: standardBase64(y) };
    const verifier = publish([padded, standard], provider);
    await expect(verifier.verify(await sign(rsa))).resolves.toBeTruthy();
    await expect(verifier.verify(await sign(ec))).resolves.toBeTruthy();
  });

  it('refuses members that are neither: mixed alphabets, wrong padding', async () => {
    const n = rsa.publicJwk.n!;
    for (const bad of [
      `${n.slice(0, -2)}+_`,
      `${n}=`,
      `${n}===`,
      `${n.slice(0, 8)}=${n.slice(8)}`,
    ]) {
      const error = await refusal(
        publish([{ ...rsa.publicJwk, n: bad }], provider).verify(await sign(rsa)),
      );
      expect([error.code, error.message]).toEqual([
        'ERR_KEY_INVALID',
        expect.stringMatching(/modulus "n"/),
      ]);
    }
  });

  it('uses a key without "alg" or "use" for the algorithms its type fits, and no other', async () => {
    const bare = (key: TestKey) => {
      const { alg: _alg, use: _use, ...rest } = key.publicJwk;
      return rest;
    };
    const verifier = publish([bare(rsa), bare(ec)], provider);
    await expect(verifier.verify(await sign(rsa))).resolves.toBeTruthy();
    await expect(verifier.verify(await sign(ec))).resolves.toBeTruthy();
    // An RS256 token naming the EC key: the EC key does not fit, so there is no key for it.
    expect(await codeOf(verifier.verify(await sign(rsa, {}, { kid: 'e1' })))).toBe(
      'ERR_KEY_NOT_FOUND',
    );
  });

  it('skips an entry whose kid is not a string, and uses the others', async () => {
    const verifier = publish([{ ...other.publicJwk, kid: 42 }, rsa.publicJwk], provider);
    await expect(verifier.verify(await sign(rsa))).resolves.toBeTruthy();
    expect(await codeOf(verifier.verify(await sign(other, {}, { kid: '42' })))).toBe(
      'ERR_KEY_NOT_FOUND',
    );
  });

  it('skips unknown kty and "use": "enc" entries, and ignores x5c and x5t it does not use', async () => {
    const verifier = publish(
      [
        { kty: 'AKP-next', kid: 'future', alg: 'X', pub: 'AAAA' },
        { ...other.publicJwk, use: 'enc', alg: 'RSA-OAEP' },
        { ...rsa.publicJwk, x5c: ['not a certificate'], x5t: 12, 'x5t#S256': null },
      ],
      provider,
    );
    await expect(verifier.verify(await sign(rsa))).resolves.toBeTruthy();
    expect(await codeOf(verifier.verify(await sign(other)))).toBe('ERR_KEY_NOT_FOUND');
  });

  it('uses key_ops ["sign", "verify"] and ["verify"]; not a key whose key_ops lack "verify"', async () => {
    const verifier = publish(
      [
        { ...rsa.publicJwk, key_ops: ['sign', 'verify'] },
        { ...ec.publicJwk, key_ops: ['verify'] },
        { ...other.publicJwk, key_ops: ['sign'] },
      ],
      provider,
    );
    await expect(verifier.verify(await sign(rsa))).resolves.toBeTruthy();
    await expect(verifier.verify(await sign(ec))).resolves.toBeTruthy();
    expect(await codeOf(verifier.verify(await sign(other)))).toBe('ERR_KEY_NOT_FOUND');
  });

  it('still refuses the whole set for private or symmetric material, whatever its kid', async () => {
    for (const bad of [
      { ...other.privateJwk, kid: 7 },
      { ...other.privateJwk, use: 'enc' },
      { kty: 'oct', k: 'c2VjcmV0', kid: 5 },
    ]) {
      expect(await codeOf(publish([rsa.publicJwk, bad], provider).verify(await sign(rsa)))).toBe(
        'ERR_KEY_INVALID',
      );
    }
  });
});

describe('stored entries', () => {
  it('are read back only as tokenward writes them: base64url members, nothing rewritten', () => {
    const entry = { v: 1, keys: [rsa.publicJwk], refused: {}, fetchedAt: 1, freshUntil: 2 };
    expect(readStoredKeySet(entry)).toBe(entry);
    const standard = { ...rsa.publicJwk, n: standardBase64(rsa.publicJwk.n) };
    expect(readStoredKeySet({ ...entry, keys: [standard] })).toBeUndefined();
  });

  it('hold AKP (ML-DSA) keys of their size, never private ones (priv, seed)', () => {
    const pub = Buffer.alloc(1312, 7).toString('base64url');
    const akp = { kty: 'AKP', alg: 'ML-DSA-44', pub, kid: 'pq' };
    const entry = { v: 1, keys: [akp], refused: {}, fetchedAt: 1, freshUntil: 2 };
    expect(readStoredKeySet(entry)).toBe(entry);
    for (const bad of [{ priv: 'AAAA' }, { seed: 'AAAA' }, { pub: pub.slice(4) }])
      expect(readStoredKeySet({ ...entry, keys: [{ ...akp, ...bad }] })).toBeUndefined();
  });
});

describe('keys made by PyJWT (Debian python3-jwt), as a Flask or Django issuer serves them', () => {
  it('loads its RSA and EC JWKs (key_ops ["verify"]) and verifies its tokens', async () => {
    const script = [
      'import json, sys, time, jwt',
      'from cryptography.hazmat.primitives.asymmetric import rsa, ec',
      'from jwt.algorithms import RSAAlgorithm, ECAlgorithm',
      'r = rsa.generate_private_key(public_exponent=65537, key_size=2048)',
      'e = ec.generate_private_key(ec.SECP256R1())',
      'keys = [dict(json.loads(RSAAlgorithm.to_jwk(r.public_key())), kid="py-rsa"),',
      '        dict(json.loads(ECAlgorithm.to_jwk(e.public_key())), kid="py-ec")]',
      'now = int(time.time())',
      'claims = {"iss": sys.argv[1], "aud": sys.argv[2], "sub": "py", "iat": now, "exp": now + 300}',
      'tokens = [jwt.encode(claims, r, algorithm="RS256", headers={"kid": "py-rsa"}),',
      '          jwt.encode(claims, e, algorithm="ES256", headers={"kid": "py-ec"})]',
      'print(json.dumps({"keys": keys, "tokens": tokens}))',
    ].join('\n');
    const ran = await runCommand('/usr/bin/python3', ['-c', script, ISSUER, AUDIENCE], 30_000);
    expect(ran.stderr).toBe('');
    const { keys, tokens } = JSON.parse(ran.stdout) as {
      keys: { key_ops?: string[] }[];
      tokens: string[];
    };
    expect(keys[0]!.key_ops).toEqual(['verify']); // PyJWT 2.6 writes key_ops for RSA keys
    for (const [, provider] of PROVIDERS) {
      const verifier = publish(keys, provider);
      for (const token of tokens) expect((await verifier.verify(token)).payload.sub).toBe('py');
    }
  });
});
