// The vault's service worker. Its settings come from its own URL (the page registers
// /sw.js?issuer=…&resource=…&client=…&endpoint=…), so one file serves any port.
import { createIdTokenVerifier, createVerifier, discovery } from 'tokenward';
import { createTokenVault } from 'tokenward/sw';

const settings = new URL(self.location.href).searchParams;
const issuer = settings.get('issuer');
const resource = settings.get('resource');
const clientId = settings.get('client');

const vault = createTokenVault({
  // Keys stay in this worker's memory (the default memoryStore()).
  verifier: createVerifier({ keys: discovery(issuer), issuer, audience: resource, typ: 'at+jwt' }),
  tokenEndpoints: settings.getAll('endpoint'),
  resources: [{ url: `${resource}/`, resource }],
  idTokens: createIdTokenVerifier({ issuer, clientId }),
  refresh: { clientId },
});

// Take over the open pages at once: a page the worker does not control gets no vault.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => {
  if (settings.get('claim') !== 'no') event.waitUntil(self.clients.claim());
});
self.addEventListener('fetch', (event) => vault.handle(event));
self.addEventListener('message', (event) => vault.message(event));
