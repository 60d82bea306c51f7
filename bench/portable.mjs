// portableCrypto's speed in Node (issue 22 target: >= 5,000 RS256 verifies per second), beside
// the platform's own checks for scale: WebCrypto and node:crypto. Built package (npm run build).
// Not part of npm test. Run: node --expose-gc bench/portable.mjs [rounds]
import { constants, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { loadavg } from 'node:os';
import { portableCrypto } from '../dist/portable.js';
import { compare, spread } from './lib/measure.mjs';

const rounds = Number(process.argv[2] ?? 7);
const encoder = new TextEncoder();
// Unique signing inputs of a realistic size (a ~600-byte token), one signature each.
const INPUTS = 400;
const fmt = (us) => `${us.toFixed(1)} µs`;

async function fixtures(alg, keyType, keyOptions, nodeHash, subtleImport, subtleVerify) {
  const { publicKey, privateKey } = generateKeyPairSync(keyType, keyOptions);
  const jwk = publicKey.export({ format: 'jwk' });
  const data = Array.from({ length: INPUTS }, (_, i) =>
    encoder.encode(`eyJhbGciOiJ${alg}IsImtpZCI6IjEifQ.${'x'.repeat(560)}${i}`),
  );
  const dsaEncoding = keyType === 'ec' ? 'ieee-p1363' : undefined;
  const padding = alg.startsWith('PS')
    ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
    : {};
  const signatures = data.map(
    (d) => new Uint8Array(sign(nodeHash, d, { key: privateKey, dsaEncoding, ...padding })),
  );
  const portableKey = await portableCrypto.importKey(jwk, alg);
  const subtleKey = await crypto.subtle.importKey('jwk', jwk, subtleImport, false, ['verify']);
  const nodeKey = createPublicKey({ key: jwk, format: 'jwk' });
  const loop = (check) => async (n, offset) => {
    for (let i = 0; i < n; i++) {
      const at = (offset + i) % INPUTS;
      if (!(await check(data[at], signatures[at]))) throw new Error(`${alg}: did not verify`);
    }
  };
  return [
    {
      name: `${alg} portableCrypto`,
      run: loop((d, s) => portableCrypto.verify(alg, portableKey, d, s)),
    },
    {
      name: `${alg} WebCrypto`,
      run: loop((d, s) => crypto.subtle.verify(subtleVerify, subtleKey, s, d)),
    },
    {
      name: `${alg} node:crypto`,
      run: loop((d, s) => verify(nodeHash, d, { key: nodeKey, dsaEncoding, ...padding }, s)),
    },
  ];
}

const suites = [
  [
    'RS256',
    'rsa',
    { modulusLength: 2048 },
    'sha256',
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    { name: 'RSASSA-PKCS1-v1_5' },
    400,
  ],
  [
    'PS256',
    'rsa',
    { modulusLength: 2048 },
    'sha256',
    { name: 'RSA-PSS', hash: 'SHA-256' },
    { name: 'RSA-PSS', saltLength: 32 },
    400,
  ],
  [
    'ES256',
    'ec',
    { namedCurve: 'P-256' },
    'sha256',
    { name: 'ECDSA', namedCurve: 'P-256' },
    { name: 'ECDSA', hash: 'SHA-256' },
    40,
  ],
  ['EdDSA', 'ed25519', {}, null, { name: 'Ed25519' }, { name: 'Ed25519' }, 40],
];

console.log(
  `Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}, ${rounds} rounds`,
);
for (const [alg, type, keyOptions, hash, subtleImport, subtleVerify, ops] of suites) {
  const contenders = await fixtures(alg, type, keyOptions, hash, subtleImport, subtleVerify);
  for (const { name, samples } of await compare(contenders, { rounds, ops, blocks: 4, warm: 2 })) {
    const { median, min, max } = spread(samples);
    const perSecond = Math.round(1e6 / median);
    console.log(
      `${name.padEnd(24)} ${fmt(median)} per verify (${fmt(min)} – ${fmt(max)}), ${perSecond.toLocaleString('en')}/s`,
    );
  }
}
