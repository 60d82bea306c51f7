// Runs the scenario against the CommonJS build in Node.
const tokenward = require('../../dist/index.cjs');

import('./scenario.mjs')
  .then(({ runScenario }) => runScenario(tokenward, JSON.parse(process.argv[2])))
  .then((rows) => console.log(`RESULT ${JSON.stringify(rows)}`));
