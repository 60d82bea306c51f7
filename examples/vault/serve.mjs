#!/usr/bin/env node
// The vault demo: `npm run build && node examples/vault/serve.mjs`, then open the printed URL.
import { startVaultDemo } from './servers.mjs';

const port = Number(process.env.PORT ?? 8790);
const demo = await startVaultDemo({ port });
console.log(`tokenward vault demo: open ${demo.url}/ (Ctrl-C to stop)`);
console.log(
  `  provider ${demo.issuer}  ·  API ${demo.resource}  ·  without the vault ${demo.plainUrl}`,
);
const stop = async () => {
  await demo.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
