import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyServer } from '../helpers/key-server.js';
import { runCommand } from '../helpers/spawn.js';
import {
  AUDIENCE,
  decodePart,
  ISSUER,
  makeKey,
  sign,
  withPart,
  type TestKey,
} from '../helpers/keys.js';

// The built binary, spawned as a user would run it (npm test builds first).
const run = (args: string[], stdin = '') =>
  runCommand(process.execPath, ['dist/cli.js', ...args], 30_000, undefined, stdin);

let server: KeyServer;
let key: TestKey;
let token: string;
let pemFile: string;
let tempDir: string;

beforeAll(async () => {
  server = await new KeyServer().start();
  key = await makeKey('cli-1');
  server.json('/jwks', { keys: [key.publicJwk] });
  server.json('/.well-known/openid-configuration', {
    issuer: server.url,
    jwks_uri: `${server.url}/jwks`,
  });
  token = await sign(key, { exp: Math.floor(Date.now() / 1000) + 240 });
  tempDir = mkdtempSync(join(tmpdir(), 'tokenward-cli-'));
  pemFile = join(tempDir, 'rs256.pub');
  writeFileSync(pemFile, key.publicPem);
});
afterAll(async () => {
  await server.stop();
  rmSync(tempDir, { recursive: true, force: true });
});

function neverEchoes(output: { stdout: string; stderr: string }) {
  expect(output.stdout + output.stderr).not.toContain(token);
  expect(output.stdout + output.stderr).not.toContain(token.split('.')[2]);
}

describe('tokenward inspect', () => {
  it('prints header, claims and times, and says it verified nothing', async () => {
    const out = await run(['inspect', token]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^NOT VERIFIED/);
    expect(out.stdout).toContain('"kid": "cli-1"');
    expect(out.stdout).toMatch(/exp\s+\d{4}-\d\d-\d\dT.*\(expires in 4m\)/);
    expect(out.stdout).toMatch(/iat\s+.*\(issued (in \d+s|\d+s ago)\)/);
    neverEchoes(out);
  });

  it('reads the token from stdin with -', async () => {
    const out = await run(['inspect', '-', '--json'], `${token}\n`);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ verified: false, header: { alg: 'RS256' } });
  });

  it('exits 1 on a malformed token', async () => {
    const out = await run(['inspect', 'not.a-token']);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('ERR_TOKEN_MALFORMED');
  });
});

describe('tokenward verify', () => {
  it('exits 0 for a valid token via --jwks, --pem and --discovery', async () => {
    const viaJwks = await run([
      'verify',
      token,
      '--jwks',
      `${server.url}/jwks`,
      '--iss',
      ISSUER,
      '--aud',
      AUDIENCE,
    ]);
    expect([viaJwks.code, viaJwks.stdout]).toEqual([0, expect.stringContaining('VALID')]);
    neverEchoes(viaJwks);
    const viaPem = await run(['verify', '-', '--pem', pemFile, '--aud', AUDIENCE], token);
    expect(viaPem.code).toBe(0);
    expect(viaPem.stdout).toContain('not checked: iss');
    const discovered = await sign(key, { iss: server.url });
    const viaDiscovery = await run([
      'verify',
      discovered,
      '--discovery',
      server.url,
      '--aud',
      AUDIENCE,
    ]);
    expect(viaDiscovery.code).toBe(0);
  });

  it('exits 1 with the code and what to do for a tampered token', async () => {
    const tampered = withPart(token, 1, { ...decodePart(token, 1), sub: 'admin' });
    const out = await run(['verify', tampered, '--jwks', `${server.url}/jwks`]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('REJECTED: ERR_SIGNATURE_INVALID');
    expect(out.stderr).toContain('What to do:');
    expect(out.stderr + out.stdout).not.toContain(tampered);
  });

  it('prints a machine-readable result with --json', async () => {
    const ok = await run(['verify', token, '--jwks', `${server.url}/jwks`, '--json']);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, payload: { sub: 'user-1' } });
    const bad = await run([
      'verify',
      token,
      '--jwks',
      `${server.url}/jwks`,
      '--aud',
      'other-app',
      '--json',
    ]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      valid: false,
      code: 'ERR_CLAIM_INVALID',
      claim: 'aud',
    });
  });

  it('honours --alg and --leeway', async () => {
    const expired = await sign(key, { exp: Math.floor(Date.now() / 1000) - 20 });
    expect((await run(['verify', expired, '--jwks', `${server.url}/jwks`])).code).toBe(1);
    expect(
      (await run(['verify', expired, '--jwks', `${server.url}/jwks`, '--leeway', '1m'])).code,
    ).toBe(0);
    const onlyEs = await run([
      'verify',
      token,
      '--jwks',
      `${server.url}/jwks`,
      '--alg',
      'ES256',
      '--json',
    ]);
    expect(JSON.parse(onlyEs.stdout)).toMatchObject({ code: 'ERR_ALG_NOT_ALLOWED' });
  });

  it.each([
    [['verify', 'x.y.z']],
    [['verify', 'x.y.z', '--jwks', 'http://a/', '--pem', 'b']],
    [['verify', 'x.y.z', '--jwks', 'http://a/', '--alg', 'HS256']],
    [['verify', 'x.y.z', '--pem', '/does/not/exist.pub']],
    [['verify', '--jwks', 'http://a/']],
    [['frobnicate', 'x']],
    [['inspect', 'x', '--bogus']],
    [[]],
  ])('exits 2 on usage errors: %j', async (args) => {
    const out = await run(args);
    expect(out.code).toBe(2);
  });

  it('documents every flag in --help', async () => {
    const out = await run(['--help']);
    expect(out.code).toBe(0);
    for (const flag of [
      '--jwks',
      '--pem',
      '--discovery',
      '--iss',
      '--aud',
      '--alg',
      '--leeway',
      '--json',
    ]) {
      expect(out.stdout).toContain(flag);
    }
  });
});
