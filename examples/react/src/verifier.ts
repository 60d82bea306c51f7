import { createVerifier, discovery } from 'tokenward';

// One verifier for the whole app, made once at start-up (module scope), never per render: it
// holds the cached key set and the remembered tokens. VITE_ISSUER and VITE_AUDIENCE are read at
// build time (`VITE_ISSUER=https://idp.example.com npm run build`).
export const issuer: string = import.meta.env.VITE_ISSUER ?? 'https://idp.example.com';
export const audience: string = import.meta.env.VITE_AUDIENCE ?? 'my-spa';

export const verifier = createVerifier({ keys: discovery(issuer), audience });

// Fetch the keys while the page loads; a failure shows up in the first verify.
verifier.hydrate().catch(() => {});
