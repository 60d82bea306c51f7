import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultRows, runCommand } from '../helpers/spawn.js';

const root = resolve(import.meta.dirname, '../..');
const deno = join(root, 'node_modules/.bin/deno');

// denoKvReplayStore() against Deno KV itself: two Deno processes open one KV file, as two
// instances of an API would, and race for the same ids (the built dist/).
describe('denoKvReplayStore() in Deno, on a shared Deno KV file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tokenward-replay-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const race = (input: object) =>
    runCommand(
      deno,
      [
        'run',
        '--unstable-kv',
        '--allow-read',
        `--allow-write=${dir}`,
        '--allow-env',
        'test/runtimes/replay-race.mjs',
        JSON.stringify(input),
      ],
      60_000,
      root,
    );

  it('lets exactly one of two processes win each id, and refuses it afterwards', async () => {
    const ids = Array.from({ length: 50 }, () => randomUUID());
    const dbPath = join(dir, 'replay.sqlite3');
    const input = { client: 'deno-kv', dbPath, ids, startAt: Date.now() + 3000 };
    const [a, b] = (await Promise.all([race(input), race(input)])).map(
      (ran) => resultRows(ran) as unknown[],
    );
    for (let i = 0; i < ids.length; i++) expect([a![i], b![i]].sort()).toEqual([false, true]);
    const again = resultRows(await race({ ...input, startAt: 0 }));
    expect(again).toEqual(ids.map(() => false));
  }, 90_000);
});
