import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    // Just issued: neither "issued in 0s" nor "issued 1s ago".
    expect(out.stdout).toMatch(/iat\s+\S+\s+\(issued just now\)/);
    neverEchoes(out);
  });

  it('reads the token from stdin with -', async () => {
    const out = await run(['inspect', '-', '--json'], `${token}\n`);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ verified: false, header: { alg: 'RS256' } });
  });

  it('exits 1 on a malformed token, without calling it REJECTED (inspect verifies nothing)', async () => {
    const out = await run(['inspect', 'not.a-token']);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('CANNOT DECODE: ERR_TOKEN_MALFORMED');
    expect(out.stdout + out.stderr).not.toContain('REJECTED');
    const json = await run(['inspect', 'not.a-token', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ decoded: false, code: 'ERR_TOKEN_MALFORMED' });
  });

  it('tells a token from the future (issuer clock ahead) from one just issued', async () => {
    const future = await sign(key, { iat: Math.floor(Date.now() / 1000) + 600 });
    const out = await run(['inspect', future]);
    expect(out.stdout).toMatch(/iat\s+\S+\s+\(issued in the future \(clocks differ\?\): in 10m\)/);
  });

  it('hints at a token pasted with its "Bearer " scheme', async () => {
    for (const command of ['inspect', 'verify']) {
      const out = await run([command, '-', '--jwks', `${server.url}/jwks`], `Bearer ${token}\n`);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain('starts with "Bearer "');
      expect(out.stderr).toContain('without the Authorization scheme');
      neverEchoes(out);
    }
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

  it('prints a machine-readable result with --json, naming the claims it did not check', async () => {
    const ok = await run(['verify', token, '--jwks', `${server.url}/jwks`, '--json']);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      valid: true,
      notChecked: ['iss', 'aud'],
      payload: { sub: 'user-1' },
    });
    const audOnly = await run([
      'verify',
      token,
      '--jwks',
      `${server.url}/jwks`,
      '--aud',
      AUDIENCE,
      '--json',
    ]);
    expect(JSON.parse(audOnly.stdout)).toMatchObject({ valid: true, notChecked: ['iss'] });
    const all = await run([
      'verify',
      token,
      '--jwks',
      `${server.url}/jwks`,
      '--iss',
      ISSUER,
      '--aud',
      AUDIENCE,
      '--json',
    ]);
    expect(JSON.parse(all.stdout)).toMatchObject({ valid: true, notChecked: [] });
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

  it('answers every outcome in JSON with --json: usage errors and key errors too', async () => {
    const usage = await run(['verify', token, '--json']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toMatchObject({ valid: false, error: 'usage' });
    const unknown = await run([
      'verify',
      token,
      '--jwks',
      `${server.url}/jwks`,
      '--isss',
      'x',
      '--json',
    ]);
    expect(JSON.parse(unknown.stdout)).toMatchObject({
      error: 'usage',
      message: expect.stringContaining('--iss?'),
    });
    server.json('/private', { keys: [key.privateJwk] });
    const keyError = await run(['verify', token, '--jwks', `${server.url}/private`, '--json']);
    expect(keyError.code).toBe(1);
    expect(JSON.parse(keyError.stdout)).toMatchObject({ valid: false, code: 'ERR_KEY_INVALID' });
    expect(keyError.stderr).toBe('');
  });

  it('blames a failing key server, not CORS, for a 503', async () => {
    server.mode = 'status-503';
    try {
      const out = await run(['verify', token, '--jwks', `${server.url}/jwks`]);
      expect(out.code).toBe(1);
      expect(out.stderr).toContain('ERR_KEY_FETCH_FAILED');
      expect(out.stderr).toContain('503');
      expect(out.stderr).not.toMatch(/CORS/i);
    } finally {
      server.mode = 'ok';
    }
  });

  it('speaks of flags, not of library calls, for --alg none and HS256', async () => {
    for (const alg of ['none', 'HS256']) {
      const out = await run(['verify', token, '--jwks', `${server.url}/jwks`, '--alg', alg]);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain(`--alg ${alg} is refused`);
      expect(out.stderr).not.toContain('createVerifier');
    }
  });

  it('says a file holds no PEM, not that it is not a URL', async () => {
    const notPem = join(tempDir, 'notes.txt');
    writeFileSync(notPem, 'just some text\n');
    const out = await run(['verify', token, '--pem', notPem]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('holds no PEM block');
    expect(out.stderr).not.toContain('http(s) URL');
  });

  it('suggests the flag or command meant', async () => {
    const flag = await run(['verify', token, '--jwsk', `${server.url}/jwks`]);
    expect([flag.code, flag.stderr]).toEqual([
      2,
      expect.stringContaining('unknown option --jwsk (did you mean --jwks?)'),
    ]);
    const command = await run(['verfy', token]);
    expect(command.stderr).toContain('unknown command "verfy" (did you mean verify?)');
  });

  it('prints its version with --version', async () => {
    const out = await run(['--version']);
    expect(out.code).toBe(0);
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(out.stdout.trim()).toBe(version);
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
      '--version',
    ]) {
      expect(out.stdout).toContain(flag);
    }
  });
});
