import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyServer } from '../helpers/key-server.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { resultRows, runCommand } from '../helpers/spawn.js';

const root = resolve(import.meta.dirname, '../..');
const deno = join(root, 'node_modules/.bin/deno');

// denoKvStore() against Deno KV itself: Deno (from npm) opens a KV file that several processes
// share, as instances of one server would; the built dist/ is what Deno imports.
describe('denoKvStore() in Deno, on a Deno KV file', () => {
  let server: KeyServer;
  let key: TestKey;
  let dir: string;
  let n = 0;

  beforeAll(async () => {
    server = await new KeyServer().start();
    key = await makeKey('d1');
    dir = mkdtempSync(join(tmpdir(), 'tokenward-denokv-'));
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (path: string, dbPath: string, poison?: unknown) => {
    const input = {
      keyUrl: `${server.url}${path}`,
      token: await sign(key),
      issuer: ISSUER,
      audience: AUDIENCE,
      dbPath,
      poison,
    };
    const ran = await runCommand(
      deno,
      [
        'run',
        '--unstable-kv',
        `--allow-net=${new URL(server.url).host}`,
        '--allow-read',
        `--allow-write=${dir}`,
        '--allow-env',
        'test/runtimes/deno-kv.mjs',
        JSON.stringify(input),
      ],
      60_000,
      root,
    );
    return resultRows(ran)[0];
  };
  const route = () => {
    const path = `/jwks-${++n}`;
    server.json(path, { keys: [key.publicJwk] }, { cacheControl: 'max-age=300' });
    return path;
  };

  it('shares one fetch between processes through the KV file', async () => {
    const path = route();
    const db = join(dir, 'shared.sqlite3');
    expect(await run(path, db)).toEqual({ outcome: 'ok', stored: true });
    expect(await run(path, db)).toEqual({ outcome: 'ok', stored: true });
    expect(server.count(path)).toBe(1);
  }, 90_000);

  it('exits by itself with webStorage(localStorage), a store Deno shares like tabs', async () => {
    const path = route();
    const input = {
      keyUrl: `${server.url}${path}`,
      token: await sign(key),
      issuer: ISSUER,
      audience: AUDIENCE,
    };
    const ran = await runCommand(
      deno,
      [
        'run',
        `--allow-net=${new URL(server.url).host}`,
        '--allow-read',
        '--location=http://tokenward.test/',
        'test/runtimes/deno-local-storage.mjs',
        JSON.stringify(input),
      ],
      20_000,
      root,
    );
    expect(resultRows(ran)).toEqual([{ outcome: 'ok' }]);
    expect(ran.code, ran.stderr).toBe(0);
  }, 30_000);

  it.each([
    ['text that is not JSON', '{"v":1,'],
    [
      'a private key (as a stored object)',
      () => ({ v: 1, keys: [key.privateJwk], refused: {}, fetchedAt: 1, freshUntil: 9e15 }),
    ],
  ])(
    'ignores %s and refetches',
    async (_what, poison) => {
      const path = route();
      const db = join(dir, `poison-${n}.sqlite3`);
      const value = typeof poison === 'function' ? poison() : poison;
      expect(await run(path, db, value)).toEqual({ outcome: 'ok', stored: true });
      expect(server.count(path)).toBe(1);
    },
    90_000,
  );
});
