// Runs the Hono app on Node with @hono/node-server. Set RESOURCE (this API's resource
// identifier), ISSUER, JWKS_URL and PORT:
//   node examples/hono/serve.mjs
import { serve } from '@hono/node-server';
import { createApp } from './app.mjs';

const env = (name) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`set ${name}`);
  return value;
};
const app = createApp({
  resource: env('RESOURCE'),
  issuer: env('ISSUER'),
  jwksUrl: env('JWKS_URL'),
});
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(env('PORT')) }, (info) =>
  console.log(`Listening on http://127.0.0.1:${info.port}`),
);
