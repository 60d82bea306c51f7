// npm run bench [-- --only=unique,chromium]: every scenario, Node and Chromium (scenario 1 in Bun
// and Deno too), one table each.
// Not part of npm test. --only takes scenario names and runtimes (node, chromium, bun, deno); a runtime
// alone selects every scenario there, a scenario alone runs it in every runtime.
import { uniqueTokensNode } from './unique-tokens.mjs';
import { repeatedTokenNode } from './repeated-token.mjs';
import { chromiumScenarios } from './chromium.mjs';
import { profileVerify } from './profile.mjs';
import { coldStart } from './cold-start.mjs';
import { freshProcess } from './fresh-process.mjs';
import { bundleSizes } from './bundle-size.mjs';
import { memory } from './memory.mjs';
import { crossTabs } from './cross-tab.mjs';
import { uniqueTokensElsewhere } from './other-runtimes.mjs';
import { seamResolve } from './seam-resolve.mjs';
import { pinnedVerify } from './pinned.mjs';
import { vaultOverhead } from './vault.mjs';
import { loadavg } from 'node:os';
import { chromiumAvailable, CHROMIUM } from './lib/chromium.mjs';
import { printMachine } from './lib/machine.mjs';

const SECTIONS = [
  { scenarios: ['unique'], runtime: 'node', run: () => uniqueTokensNode() },
  { scenarios: ['unique'], runtime: 'bun', run: () => uniqueTokensElsewhere('bun') },
  { scenarios: ['unique'], runtime: 'deno', run: () => uniqueTokensElsewhere('deno') },
  { scenarios: ['memo'], runtime: 'node', run: () => repeatedTokenNode() },
  {
    scenarios: ['unique', 'memo'],
    runtime: 'chromium',
    run: (scenarios) => chromiumScenarios({ scenarios }),
  },
  { scenarios: ['profile'], runtime: 'node', run: () => profileVerify() },
  { scenarios: ['seam'], runtime: 'node', run: () => seamResolve() },
  { scenarios: ['pins'], runtime: 'node', run: () => pinnedVerify() },
  { scenarios: ['cold'], runtime: 'node', run: () => coldStart() },
  { scenarios: ['cold', 'fresh'], runtime: 'node', run: () => freshProcess() },
  { scenarios: ['bundle'], run: () => bundleSizes() },
  { scenarios: ['memory'], runtime: 'node', run: () => memory() },
  { scenarios: ['tabs'], runtime: 'chromium', run: () => crossTabs() },
  { scenarios: ['vault'], runtime: 'chromium', run: () => vaultOverhead() },
];
const SCENARIOS = [...new Set(SECTIONS.flatMap((s) => s.scenarios))];
const RUNTIMES = ['node', 'chromium', 'bun', 'deno'];

const argv = process.argv.slice(2);
const only = (argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? '')
  .split(',')
  .map((w) => w.trim())
  .filter(Boolean);
const unknown = only.filter((w) => !SCENARIOS.includes(w) && !RUNTIMES.includes(w));
if (unknown.length || argv.some((a) => !a.startsWith('--only='))) {
  console.error(
    `usage: npm run bench [-- --only=word,word]; words: ${[...SCENARIOS, ...RUNTIMES].join(', ')}`,
  );
  process.exit(2);
}
const wantScenarios = only.filter((w) => SCENARIOS.includes(w));
const wantRuntimes = only.filter((w) => RUNTIMES.includes(w));

/** The scenarios of `section` that --only selects (all without --only). */
function selected(section) {
  const scenarios = wantScenarios.length
    ? section.scenarios.filter((s) => wantScenarios.includes(s))
    : section.scenarios;
  if (!wantRuntimes.length || wantRuntimes.includes(section.runtime)) return scenarios;
  // A section without a runtime (bundle size) runs under a runtime filter only when named.
  return section.runtime || !wantScenarios.length ? [] : scenarios;
}

const runs = SECTIONS.map((section) => ({ section, scenarios: selected(section) })).filter(
  (r) => r.scenarios.length,
);
if (!runs.length) {
  console.error(`--only=${only.join(',')} selects nothing: no such scenario in that runtime`);
  process.exit(2);
}
const started = performance.now();
printMachine(argv);
for (const { section, scenarios } of runs) {
  if (section.runtime === 'chromium' && !chromiumAvailable()) {
    console.log(`\n*** SKIPPED the Chromium scenarios: no Chromium at ${CHROMIUM}`);
    continue;
  }
  await section.run(scenarios);
}
console.log(
  `\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s; load average now ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
