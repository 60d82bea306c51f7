// Runs the scenario in Node against the package by name through require (the `node` condition).
const tokenward = require('tokenward');

import('./scenario.mjs')
  .then(({ runScenario }) => runScenario(tokenward, JSON.parse(process.argv[2])))
  .then((rows) => console.log(`RESULT ${JSON.stringify(rows)}`));
