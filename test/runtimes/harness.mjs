// Runs the scenario against the ESM build in Node, Deno or Bun. Input: JSON in the first argument.
import * as tokenward from '../../dist/index.js';
import { runScenario } from './scenario.mjs';

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const rows = await runScenario(tokenward, JSON.parse(args[0]));
console.log(`RESULT ${JSON.stringify(rows)}`);
