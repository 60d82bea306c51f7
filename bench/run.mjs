// npm run bench: every scenario in one process, printing one table each. Not part of npm test.
import { cpus } from 'node:os';
import { uniqueTokens } from './unique-tokens.mjs';
import { profileVerify } from './profile.mjs';
import { repeatedToken } from './repeated-token.mjs';
import { coldStart } from './cold-start.mjs';
import { memory } from './memory.mjs';
import { bundleSizes } from './bundle-size.mjs';

const started = performance.now();
console.log(
  `tokenward benchmarks: Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${new Date().toISOString()}`,
);
await uniqueTokens();
await profileVerify();
await repeatedToken();
await coldStart();
await memory();
await bundleSizes();
console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s`);
