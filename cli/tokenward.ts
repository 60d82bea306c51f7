import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  createVerifier,
  decode,
  discovery,
  isVerificationError,
  jwks,
  pem,
  type Algorithm,
  type KeySource,
  type VerificationError,
  type VerifierOptions,
  type VerifierOptionsBase,
} from 'tokenward';
import { SUPPORTED_ALGORITHMS } from '../src/crypto/algorithms.js';
import { closest } from '../src/lib/did-you-mean.js';
import { describeTime } from './format.js';

const HELP = `tokenward: inspect and verify JWTs from the command line

Usage:
  tokenward inspect <token|->
  tokenward verify <token|-> (--jwks URL | --pem FILE_OR_URL | --discovery ISSUER) [options]

Commands:
  inspect      Print the header and claims, with times in ISO and relative form.
               Nothing is verified: the output says so.
  verify       Verify the signature and claims. Exit 0 when valid, 1 when rejected
               (with the error code and what to do), 2 on usage errors.

Token:
  <token>      The JWT itself, or - to read it from standard input (keeps it out of
               your shell history). The token is never printed back in full.

Key source (verify; exactly one):
  --jwks URL             A JSON Web Key Set URL.
  --pem FILE_OR_URL      An SPKI public key or X.509 certificate in PEM: a file path,
                         or an http(s) URL (e.g. the Flask-JWT rs256.pub).
  --discovery ISSUER     An OpenID issuer; keys via /.well-known/openid-configuration,
                         and iss is checked against ISSUER unless --iss is given.

Options (verify):
  --iss X        Required issuer (repeat for several). Without it, iss is not checked.
  --aud X        Required audience (repeat for several). Without it, aud is not checked.
  --alg LIST     Allowed algorithms, comma-separated. Default: RS256.
  --leeway N     Clock tolerance in seconds (or 30s, 2m). Default: 0.
  --json         Print every outcome as JSON on stdout (results, refusals, usage errors).

Other:
  -h, --help     Show this help.
  --version      Print the version.
`;

const OPTIONS = {
  jwks: { type: 'string' },
  pem: { type: 'string' },
  discovery: { type: 'string' },
  iss: { type: 'string', multiple: true },
  aud: { type: 'string', multiple: true },
  alg: { type: 'string' },
  leeway: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;
const COMMANDS = ['inspect', 'verify'];
const SUPPORTED = SUPPORTED_ALGORITHMS as readonly Algorithm[];

class UsageError extends Error {}

type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const flag = /'(-{1,2}[^' ]+)/.exec((error as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag !== undefined) {
      const known = Object.keys(OPTIONS).map((name) => `--${name}`);
      const guess = closest(flag.replace(/=.*$/, ''), known);
      throw new UsageError(`unknown option ${flag}${guess ? ` (did you mean ${guess}?)` : ''}`);
    }
    throw new UsageError((error as Error).message);
  }
}

async function main(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.version) {
    out.result(`${version()}\n`, { version: version() });
    return 0;
  }
  const [command, tokenArgument, ...extra] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(HELP);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (!COMMANDS.includes(command)) {
    const guess = closest(command, COMMANDS);
    throw new UsageError(
      `unknown command "${command}"${guess ? ` (did you mean ${guess}?)` : ' (inspect or verify)'}`,
    );
  }
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (tokenArgument === undefined)
    throw new UsageError(`${command} needs a token, or - to read it from stdin`);
  const token = tokenArgument === '-' ? (await readStdin()).trim() : tokenArgument;
  // Copied from an Authorization header: the scheme is not part of the token.
  if (/^(bearer|dpop)\s/i.test(token))
    throw new UsageError(
      `the token starts with "${token.split(/\s/)[0]} ": pass the token alone, without the Authorization scheme`,
    );
  if (command === 'inspect') return inspect(token, out);
  return verify(token, values, out);
}

function inspect(token: string, out: Output): number {
  let decoded;
  try {
    decoded = decode(token);
  } catch (error) {
    // inspect verifies nothing, so it never says REJECTED: it could not read the token at all.
    const e = asVerificationError(error);
    out.failure(
      `CANNOT DECODE: ${e.code}\n  ${e.message}\n  What to do: ${ADVICE[e.code] ?? ''}\n`,
      { decoded: false, code: e.code, message: e.message },
    );
    return 1;
  }
  const now = Math.floor(Date.now() / 1000);
  const lines = [
    'NOT VERIFIED: decoded only. Use `tokenward verify` before trusting any of this.',
    '',
    'Header:',
  ];
  lines.push(indent(JSON.stringify(decoded.header, null, 2)), '', 'Claims:');
  lines.push(indent(JSON.stringify(decoded.payload, null, 2)));
  const times = (['iat', 'nbf', 'exp', 'auth_time'] as const)
    .map((claim) => [claim, describeTime(claim, decoded.payload[claim], now)] as const)
    .filter(([, text]) => text !== undefined);
  if (times.length > 0)
    lines.push('', 'Times:', ...times.map(([claim, text]) => `  ${claim.padEnd(9)} ${text}`));
  out.result(`${lines.join('\n')}\n`, { verified: false, ...decoded });
  return 0;
}

async function verify(token: string, values: Values, out: Output): Promise<number> {
  const sources = (['jwks', 'pem', 'discovery'] as const).filter(
    (name) => values[name] !== undefined,
  );
  if (sources.length !== 1)
    throw new UsageError('verify needs exactly one of --jwks, --pem or --discovery');
  const base: VerifierOptionsBase = {
    audience: values.aud ?? null,
    memo: false,
    ...(values.alg !== undefined ? { algorithms: algorithms(values.alg) } : {}),
  };
  if (values.leeway !== undefined)
    base.leeway = /^\d+(\.\d+)?$/.test(values.leeway)
      ? Number(values.leeway)
      : (values.leeway as never);
  const iss = values.iss;
  let options: VerifierOptions;
  let verifier;
  try {
    options =
      values.discovery !== undefined
        ? {
            ...base,
            keys: discovery(values.discovery, { retry: 1 }),
            ...(iss ? { issuer: iss } : {}),
          }
        : { ...base, keys: await keySource(values), issuer: iss ?? null };
    verifier = createVerifier(options);
  } catch (error) {
    if (isVerificationError(error)) return refused(error, out); // e.g. a private key given as --pem
    throw new UsageError(flagWords((error as Error).message));
  }
  const notChecked = [
    iss === undefined && values.discovery === undefined ? 'iss' : '',
    values.aud === undefined ? 'aud' : '',
  ].filter(Boolean);
  let header, payload;
  try {
    ({ header, payload } = await verifier.verify(token));
  } catch (error) {
    return refused(asVerificationError(error), out);
  }
  const lines = [
    `VALID: signature and claims verified (alg ${header.alg}${header.kid ? `, kid ${header.kid}` : ''}).`,
  ];
  if (payload.sub !== undefined) lines.push(`  sub  ${payload.sub}`);
  if (payload.exp !== undefined)
    lines.push(`  exp  ${describeTime('exp', payload.exp, Math.floor(Date.now() / 1000))}`);
  if (notChecked.length > 0)
    lines.push(`  not checked: ${notChecked.join(', ')} (pass --iss / --aud to check them)`);
  out.result(`${lines.join('\n')}\n`, { valid: true, notChecked, header, payload });
  return 0;
}

/** --alg, checked here so the answer speaks of flags, not of createVerifier's options. */
function algorithms(list: string): Algorithm[] {
  const names = list
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError('--alg needs at least one algorithm, e.g. RS256');
  for (const name of names) {
    if (name.toLowerCase() === 'none' || /^HS\d+$/i.test(name))
      throw new UsageError(
        `--alg ${name} is refused: unsigned and shared-secret (HS*) tokens cannot be verified with a public key. ` +
          "Use the issuer's algorithm (RS256, ES256, …); a token that asks for none or HS256 is forged or misconfigured.",
      );
    if (!SUPPORTED.includes(name as Algorithm)) {
      const guess = closest(name, SUPPORTED);
      throw new UsageError(
        `--alg ${name} is not supported${guess ? ` (did you mean ${guess}?)` : ''}; use ${SUPPORTED.join(', ')}`,
      );
    }
  }
  return names as Algorithm[];
}

async function keySource(values: Values): Promise<KeySource> {
  if (values.jwks !== undefined) return jwks(values.jwks, { retry: 1 });
  const file = values.pem!;
  if (/^https?:\/\//i.test(file)) return pem(file, { retry: 1 });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read the PEM file ${file}`);
  }
  if (!text.includes('-----BEGIN'))
    throw new UsageError(
      `${file} holds no PEM block: expected -----BEGIN PUBLIC KEY----- (openssl rsa -in key.pem -pubout) or -----BEGIN CERTIFICATE-----`,
    );
  return pem(text.slice(text.indexOf('-----BEGIN')));
}

/** A library TypeError in the words of the command line ("leeway" → "--leeway"). */
function flagWords(message: string): string {
  return message
    .replace(/^createVerifier: /, '')
    .replace(/^(?:jwks|discovery|pem)\(\): /, '')
    .replace(/"?\b(leeway|audience|issuer)\b"?/, (_, name: string) =>
      name === 'leeway' ? '--leeway' : name === 'audience' ? '--aud' : '--iss',
    );
}

const ADVICE: Record<string, string> = {
  ERR_TOKEN_MALFORMED: 'Check that you passed the whole token (three dot-separated parts).',
  ERR_ALG_NOT_ALLOWED:
    "Allow the issuer's algorithm with --alg, unless the token is forged (none, HS256).",
  ERR_SIGNATURE_INVALID: 'The token was altered or signed by another key: do not trust it.',
  ERR_TOKEN_EXPIRED: 'Get a fresh token, or allow clock drift with --leeway.',
  ERR_TOKEN_NOT_YET_VALID: 'Clocks may differ: allow drift with --leeway.',
  ERR_CLAIM_INVALID:
    'Check --iss and --aud against the token (tokenward inspect shows its claims).',
  ERR_CLAIM_MISSING: 'The issuer did not include a required claim.',
  ERR_KEY_NOT_FOUND:
    "No key matches the token's kid: wrong key source, or the key was rotated out.",
  ERR_KEY_FETCH_FAILED: 'Check the key URL, and that the key server is up and answers 200.',
  ERR_KEY_INVALID: 'Use the public key (openssl rsa -in key.pem -pubout), 2048 bits or more.',
};

function refused(error: VerificationError, out: Output): number {
  const message = withoutBrowserHints(error.message);
  out.failure(
    `REJECTED: ${error.code}${error.claim ? ` (claim ${error.claim})` : ''}\n  ${message}\n  What to do: ${ADVICE[error.code] ?? ''}\n`,
    {
      valid: false,
      code: error.code,
      ...(error.claim ? { claim: error.claim } : {}),
      message,
    },
  );
  return 1;
}

// The library's messages serve browsers too; a command line never meets CORS, so a sentence
// suggesting it would send the user after the wrong cause (a 503 is a server failure).
function withoutBrowserHints(message: string): string {
  return message.replace(/ Check [^.]*CORS[^.]*\./, ' Check the URL and the server.');
}

function asVerificationError(error: unknown): VerificationError {
  if (isVerificationError(error)) return error;
  throw error;
}

/** Where results go: human text, or with --json one JSON document on stdout for every outcome. */
interface Output {
  result(text: string, json: object): void;
  failure(text: string, json: object): void;
}

function output(json: boolean): Output {
  const write = (value: object) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  return {
    result: (text, value) => (json ? write(value) : process.stdout.write(text)),
    failure: (text, value) => (json ? write(value) : process.stderr.write(text)),
  };
}

function version(): string {
  // dist/cli.js sits next to the package's own package.json, installed or in this repository.
  const manifest = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const argv = process.argv.slice(2);
// Known before parsing succeeds, so that even a usage error comes out as JSON.
const out = output(argv.includes('--json'));
main(argv, out).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError;
    const message = (error as Error)?.message ?? String(error);
    out.failure(`tokenward: ${message}\n${usage ? 'Run tokenward --help for usage.\n' : ''}`, {
      valid: false,
      error: usage ? 'usage' : 'internal',
      message,
    });
    process.exitCode = usage ? 2 : 1;
  },
);
