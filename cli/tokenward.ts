import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  createVerifier,
  decode,
  discovery,
  isVerificationError,
  jwks,
  pem,
  type KeySource,
  type VerifierOptions,
} from 'tokenward';
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
  --json         Print a machine-readable result on stdout.

Other:
  -h, --help     Show this help.
`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      jwks: { type: 'string' },
      pem: { type: 'string' },
      discovery: { type: 'string' },
      iss: { type: 'string', multiple: true },
      aud: { type: 'string', multiple: true },
      alg: { type: 'string' },
      leeway: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, tokenArgument, ...extra] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(HELP);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (tokenArgument === undefined)
    throw new UsageError(`${command} needs a token, or - to read it from stdin`);
  const token = tokenArgument === '-' ? (await readStdin()).trim() : tokenArgument;
  if (command === 'inspect') return inspect(token, values.json === true);
  if (command === 'verify') return verify(token, values);
  throw new UsageError(`unknown command "${command}" (inspect or verify)`);
}

function inspect(token: string, json: boolean): number {
  let decoded;
  try {
    decoded = decode(token);
  } catch (error) {
    return report(json, error);
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ verified: false, ...decoded }, null, 2)}\n`);
    return 0;
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
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function verify(token: string, values: Record<string, unknown>): Promise<number> {
  const json = values.json === true;
  const sources = (['jwks', 'pem', 'discovery'] as const).filter(
    (name) => values[name] !== undefined,
  );
  if (sources.length !== 1)
    throw new UsageError('verify needs exactly one of --jwks, --pem or --discovery');
  const keys = await keySource(sources[0]!, String(values[sources[0]!]));
  const options: VerifierOptions = {
    keys,
    audience: (values.aud as string[] | undefined) ?? null,
    memo: false,
  };
  const iss = values.iss as string[] | undefined;
  if (iss !== undefined) options.issuer = iss;
  else if (keys.kind !== 'discovery') options.issuer = null;
  if (typeof values.alg === 'string')
    options.algorithms = values.alg.split(',').map((a) => a.trim());
  if (typeof values.leeway === 'string')
    options.leeway = /^\d+(\.\d+)?$/.test(values.leeway)
      ? Number(values.leeway)
      : (values.leeway as never);
  let verifier;
  try {
    verifier = createVerifier(options);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  try {
    const { header, payload } = await verifier.verify(token);
    if (json)
      process.stdout.write(`${JSON.stringify({ valid: true, header, payload }, null, 2)}\n`);
    else {
      const skipped = [
        iss === undefined && keys.kind !== 'discovery' ? 'iss' : '',
        values.aud === undefined ? 'aud' : '',
      ].filter(Boolean);
      process.stdout.write(
        `VALID: signature and claims verified (alg ${header.alg}${header.kid ? `, kid ${header.kid}` : ''}).\n`,
      );
      if (payload.sub !== undefined) process.stdout.write(`  sub  ${payload.sub}\n`);
      if (payload.exp !== undefined)
        process.stdout.write(
          `  exp  ${describeTime('exp', payload.exp, Math.floor(Date.now() / 1000))}\n`,
        );
      if (skipped.length > 0)
        process.stdout.write(
          `  not checked: ${skipped.join(', ')} (pass --iss / --aud to check them)\n`,
        );
    }
    return 0;
  } catch (error) {
    return report(json, error);
  }
}

async function keySource(kind: 'jwks' | 'pem' | 'discovery', value: string): Promise<KeySource> {
  try {
    if (kind === 'jwks') return jwks(value, { retry: 1 });
    if (kind === 'discovery') return discovery(value, { retry: 1 });
    if (/^https?:\/\//i.test(value)) return pem(value, { retry: 1 });
    let text: string;
    try {
      text = await readFile(value, 'utf8');
    } catch {
      throw new UsageError(`cannot read the PEM file ${value}`);
    }
    return pem(text);
  } catch (error) {
    if (error instanceof UsageError || !isVerificationError(error))
      throw error instanceof UsageError ? error : new UsageError((error as Error).message);
    throw error;
  }
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
  ERR_KEY_FETCH_FAILED: 'Check the key URL and that the key server answers.',
  ERR_KEY_INVALID: 'Use the public key (openssl rsa -in key.pem -pubout), 2048 bits or more.',
};

function report(json: boolean, error: unknown): number {
  if (!isVerificationError(error)) throw error;
  const result = {
    valid: false,
    code: error.code,
    ...(error.claim ? { claim: error.claim } : {}),
    message: error.message,
  };
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    process.stderr.write(
      `REJECTED: ${error.code}${error.claim ? ` (claim ${error.claim})` : ''}\n  ${error.message}\n`,
    );
    process.stderr.write(`  What to do: ${ADVICE[error.code] ?? ''}\n`);
  }
  return 1;
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage =
      error instanceof UsageError ||
      (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(
      `tokenward: ${(error as Error).message}\n${usage ? 'Run tokenward --help for usage.\n' : ''}`,
    );
    process.exitCode = usage ? 2 : 1;
  },
);
