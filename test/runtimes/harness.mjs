// Runs the scenario in Node, Deno or Bun against the package by name, so the runtime's own export
// conditions pick the build (Node and Bun: `node`, Deno: `deno`; all three the node:crypto build).
// Input: JSON in the first argument.
import * as tokenward from 'tokenward';
import { runScenario } from './scenario.mjs';

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const rows = await runScenario(tokenward, JSON.parse(args[0]));
console.log(`RESULT ${JSON.stringify(rows)}`);
