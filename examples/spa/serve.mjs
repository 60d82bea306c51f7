#!/usr/bin/env node
// `npm run demo`: the demo issuer and the demo page on http://127.0.0.1:8787 (PORT to change).
import { startDemoIssuer } from './issuer.mjs';

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}

const time = () => new Date().toISOString().slice(11, 19);
let demo;
try {
  demo = await startDemoIssuer({ port, log: (line) => console.log(`${time()}  ${line}`) });
} catch (error) {
  if (error?.code === 'EADDRINUSE') {
    console.error(
      `Port ${port} is already in use. Stop the other program or pick another port: PORT=8788 npm run demo`,
    );
    process.exit(1);
  }
  throw error;
}

console.log(`tokenward demo: open ${demo.url}/ in your browser (Ctrl-C to stop)`);
console.log(
  `  issuer ${demo.url}  ·  JWKS ${demo.url}/.well-known/jwks.json  ·  PEM ${demo.url}/rs256.pub`,
);

const stop = async () => {
  console.log('\nstopping the demo issuer');
  await demo.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
