// The SPA: authorization code + PKCE against the provider, with the vault (tokens in the service
// worker, placeholders here) or, on the plain origin, without it (tokens held by this page).
import { connectTokenVault } from 'tokenward/sw';
import { JWT_SHAPE, recordWorkerMessages, scanPage } from './scan.js';

const workerMessages = recordWorkerMessages();
const config = await (await fetch('/config.json')).json();
const $ = (id) => document.getElementById(id);
const state = { mode: config.mode, signedIn: false, exchange: undefined, api: undefined };
window.demoState = state; // a global, on purpose: the panel shows what globals hold

const random = () =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const sha256 = async (text) => {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
};

let vault;
if (config.mode === 'vault') {
  const worker = new URL('/sw.js', location.href);
  const settings = { issuer: config.issuer, resource: config.resource, client: config.clientId };
  for (const [name, value] of Object.entries(settings)) worker.searchParams.set(name, value);
  worker.searchParams.append('endpoint', config.tokenEndpoint);
  const claim = new URLSearchParams(location.search).get('claim');
  if (claim) worker.searchParams.set('claim', claim);
  try {
    vault = await connectTokenVault(worker.pathname + worker.search, { timeout: 5 });
  } catch (error) {
    // Fail closed: no vault, no sign-in. Never fall back to tokens held by the page.
    state.refused = error.reason;
    $('refused').textContent = `No vault (${error.reason}): sign-in is off. ${error.message}`;
    $('refused').hidden = false;
  }
}

/** Starts a sign-in: the PKCE verifier and nonce wait in sessionStorage for the callback. */
async function signIn({ prompt } = {}) {
  const [verifier, nonce, stateParam] = [random(), random(), random()];
  sessionStorage.setItem('signin', JSON.stringify({ verifier, nonce, state: stateParam }));
  const url = new URL('/auth', config.issuer);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: `${location.origin}/callback`,
    response_type: 'code',
    scope: 'openid',
    nonce,
    state: stateParam,
    code_challenge: await sha256(verifier),
    code_challenge_method: 'S256',
    ...(prompt ? { prompt } : {}),
  });
  location.assign(url);
}

/** Back from the provider: the code is exchanged by this page, through the worker when there is one. */
async function finishSignIn(params) {
  const pending = JSON.parse(sessionStorage.getItem('signin') ?? 'null');
  sessionStorage.removeItem('signin');
  history.replaceState(null, '', '/');
  if (pending === null || params.get('state') !== pending.state) return;
  if (params.get('error')) return void (state.exchange = { error: params.get('error') });
  await vault?.expectNonce(pending.nonce);
  const response = await fetch(config.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: `${location.origin}/callback`,
      code_verifier: pending.verifier,
      client_id: config.clientId,
    }),
  });
  state.exchange = { status: response.status, body: await response.json() };
  // Without the vault, the page keeps the tokens itself, as most SPAs do.
  if (config.mode === 'plain' && response.ok)
    sessionStorage.setItem('tokens', JSON.stringify(state.exchange.body));
}

/** Calls the API. With the vault, no Authorization is needed: the worker adds the real token. */
async function callApi() {
  const held = JSON.parse(sessionStorage.getItem('tokens') ?? 'null');
  const headers = held ? { authorization: `Bearer ${held.access_token}` } : {};
  const response = await fetch(`${config.resource}/me`, { headers });
  state.api = { status: response.status, body: await response.json() };
  await render();
}

/** Everything script in this page can read, the app's own answers included. */
async function scan(status) {
  return scanPage({
    'token endpoint answer': JSON.stringify(state.exchange ?? null),
    'API answer': JSON.stringify(state.api ?? null),
    'vault.status()': JSON.stringify(status ?? null),
    'worker messages': workerMessages(),
  });
}

async function render() {
  const status = vault ? await vault.status() : undefined;
  state.signedIn = vault ? status.state === 'signedIn' : sessionStorage.getItem('tokens') !== null;
  $('who').textContent = state.signedIn
    ? `signed in (${status?.claims?.sub ?? 'tokens in this page'})`
    : 'signed out';
  const found = await scan(status);
  const list = $('found');
  list.replaceChildren();
  let jwts = 0;
  for (const [place, text] of Object.entries(found)) {
    const hits = text.match(JWT_SHAPE) ?? [];
    jwts += hits.length;
    const item = document.createElement('li');
    item.dataset.place = place;
    item.dataset.jwts = String(hits.length);
    item.innerHTML = `<b></b> <span class="count"></span><pre></pre>`;
    item.querySelector('b').textContent = place;
    item.querySelector('.count').textContent = hits.length
      ? `${hits.length} token(s)!`
      : 'no token';
    item.querySelector('pre').textContent = text.length > 400 ? `${text.slice(0, 400)}…` : text;
    list.append(item);
  }
  $('verdict').textContent = jwts
    ? `Script in this page can read ${jwts} token(s).`
    : 'Script in this page can read no token.';
  $('verdict').dataset.jwts = String(jwts);
  $('api').textContent = JSON.stringify(state.api ?? null);
  document.body.dataset.ready = 'yes';
}

$('signin').onclick = () => signIn();
$('call').onclick = () => callApi();
$('signout').onclick = async () => {
  await vault?.signOut();
  sessionStorage.removeItem('tokens');
  await render();
};
$('title').textContent = config.mode === 'vault' ? 'With the vault' : 'Without the vault';
document.body.dataset.mode = config.mode;
if (config.mode === 'vault' && !vault) $('signin').disabled = true;

const params = new URLSearchParams(location.search);
if (location.pathname === '/callback') await finishSignIn(params);
// The plain column signs in silently with the provider session the vault column started.
else if (config.mode === 'plain' && window.top !== window && !sessionStorage.getItem('tokens'))
  await signIn({ prompt: 'none' });
if (config.mode === 'vault' && window.top === window) {
  const frame = $('without');
  frame.hidden = false;
  frame.src = `${config.plainUrl}/`;
}
await render();
window.demo = { signIn, callApi, render, scan: async () => scan(await vault?.status()), vault };
