// Deno and Bun: node_modules is found next to package.json; the input comes as an argument.
import * as tokenward from '../../dist/index.js';
import { runDpopScenario } from './dpop-scenario.mjs';

const input = JSON.parse(globalThis.Deno ? Deno.args[0] : process.argv[2]);
console.log(JSON.stringify(await runDpopScenario(tokenward, input)));
