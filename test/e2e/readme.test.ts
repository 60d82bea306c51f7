import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer } from '../helpers/api-server.js';
import { KeyServer } from '../helpers/key-server.js';
import { makeKey, sign, type TestKey } from '../helpers/keys.js';
import { runCommand } from '../helpers/spawn.js';

// The README's samples, run as written against the built package (npm test builds first). Each
// block marked `<!-- sample: NAME -->` is taken verbatim; only the placeholder origins below are
// replaced, and the names a sample takes from the app around it are defined before it (PRELUDE).
const root = resolve(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const IDP = 'https://idp.example.com';
const API = 'https://api.example.com';

function sample(name: string): string {
  const match = new RegExp(`<!-- sample: ${name} -->\\s*\`\`\`ts\\n([\\s\\S]*?)\\n\`\`\``).exec(
    readme,
  );
  if (match === null) throw new Error(`README.md has no block marked <!-- sample: ${name} -->`);
  return match[1]!;
}

// What the samples take from the app: the token that arrived, a session, a place to show a user.
const PRELUDE = `
const tokenFromRedirect = process.env.SAMPLE_TOKEN;
const showUser = (sub) => console.log('showUser', sub);
const session = {
  accessToken: process.env.SAMPLE_TOKEN,
  refresh: async () => process.env.SAMPLE_TOKEN,
  store: () => console.log('session.store'),
};
const getToken = () => session.accessToken;
`;

let keyServer: KeyServer;
let api: ApiServer;
let key: TestKey;
let dir: string;

beforeAll(async () => {
  [keyServer, api, key] = await Promise.all([
    new KeyServer().start(),
    new ApiServer().start(),
    makeKey('readme-1'),
  ]);
  keyServer.json('/.well-known/jwks.json', { keys: [key.publicJwk] });
  // Inside the package, so that `import 'tokenward'` resolves to the built package by its name.
  mkdirSync(join(root, '.tmp'), { recursive: true });
  dir = mkdtempSync(join(root, '.tmp', 'readme-'));
});
afterAll(async () => {
  await Promise.all([keyServer.stop(), api.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Writes the samples (in order) into one module, the origins replaced and imports first, and runs
 * it with the token in its environment (the child inherits process.env).
 */
async function run(names: string[], idp: string, token: string, epilogue = '') {
  const lines = names.map(sample).join('\n').split('\n');
  const imports = lines.filter((line) => line.startsWith('import '));
  const rest = lines.filter((line) => !line.startsWith('import '));
  const code = [...imports, PRELUDE, ...rest, epilogue]
    .join('\n')
    .replaceAll(IDP, idp)
    .replaceAll(API, api.url);
  const file = join(dir, `${names.join('+')}.mjs`);
  writeFileSync(file, code);
  process.env.SAMPLE_TOKEN = token;
  try {
    return await runCommand(process.execPath, [file], 30_000);
  } finally {
    delete process.env.SAMPLE_TOKEN;
  }
}

async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return `http://127.0.0.1:${port}`;
}

describe('the README samples, run as written', () => {
  it('Quick start: verifies a token and shows the user', async () => {
    const token = await sign(key, { iss: keyServer.url, aud: 'my-spa', sub: 'ada' });
    const out = await run(['quick-start'], keyServer.url, token);
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe('showUser ada\n');
    expect(out.code).toBe(0);
  });

  it('Quick start: an unreachable key server ends in one warning, not a crash', async () => {
    const token = await sign(key, { iss: keyServer.url, aud: 'my-spa' });
    const out = await run(['quick-start'], await closedPortUrl(), token);
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/^token refused: ERR_KEY_FETCH_FAILED /);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stdout).toBe('');
  });

  it('ky and createFetch: send the verified token to the API', async () => {
    api.reset();
    const token = await sign(key, { iss: keyServer.url, aud: 'my-spa', sub: 'ada' });
    const out = await run(
      ['quick-start', 'ky', 'create-fetch'],
      keyServer.url,
      token,
      "console.log('me', JSON.stringify(me)); console.log('fetch', response.status);",
    );
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('showUser ada');
    expect(out.stdout).toContain(`me {"authorization":"Bearer ${token}"`);
    expect(out.stdout).toContain('fetch 200');
    expect(api.requests.map((r) => [r.path, r.authorization])).toEqual([
      ['/me', `Bearer ${token}`],
      ['/me', `Bearer ${token}`],
    ]);
  });
});
