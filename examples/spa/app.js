// The demo page: verify every token before showing it or sending it, and show the story of
// each one at a glance: what arrived, what was checked (a mark per check), what was sent.
import ky from 'ky';
import { generateKeyPair, SignJWT } from 'jose';
import {
  createIdTokenVerifier,
  createVerifier,
  decode,
  isVerificationError,
  jwks,
} from 'tokenward';
import { withVerifiedToken } from 'tokenward/ky';
import { accessChecks, failedCheck, idTokenChecks, MEANING } from './checks.js';
import { claimsText, relative, clockTime } from './times.js';

const issuer = location.origin;
const AUDIENCE = 'tokenward-demo';
const COOLDOWN_SECONDS = 2;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const $ = (selector) => document.querySelector(selector);
const escapeHtml = (text) => String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A problem the page cannot work around (no WebCrypto): said on the page, not only in the console. */
function showFatal(message) {
  $('#fatal').hidden = false;
  $('#fatal').textContent = message;
  for (const button of document.querySelectorAll('button')) button.disabled = true;
}
window.addEventListener('unhandledrejection', (event) =>
  showFatal(`Unexpected error: ${event.reason?.message ?? event.reason}`),
);

let verifier;
let idTokens;
let otherClient;
try {
  verifier = createVerifier({
    // cooldown 2 s so the rotation demo can refetch soon after the unknown-key demo did.
    keys: jwks(`${issuer}/.well-known/jwks.json`, { cooldown: COOLDOWN_SECONDS }),
    issuer,
    audience: AUDIENCE,
    onEvent: logEvent,
  });
  idTokens = createIdTokenVerifier({ issuer, clientId: AUDIENCE, leeway: 2, onEvent: logEvent });
  otherClient = createIdTokenVerifier({ issuer, clientId: 'someone-elses-app' });
} catch (error) {
  // Opened from a non-secure origin (http:// on another host), the browser hides crypto.subtle
  // and createVerifier says so: show that message instead of a page that silently does nothing.
  showFatal(error.message);
  throw error;
}

/** The token on screen: the API is called with it, and every verdict shown belongs to it. */
const screen = { id: 0, token: undefined, sendable: false };

const api = withVerifiedToken(ky.create({ prefix: `${issuer}/api/` }), {
  verifier,
  getToken: () => screen.token,
  // allowedOrigins defaults to this page's origin: the token never goes anywhere else.
});

// ---- The key server: its state (a toggle), its answers (a live log), the cached set. ----

const keySet = { kid: undefined, fetchedAt: undefined, maxAge: undefined, down: false };

function renderKeyServer(down) {
  keySet.down = down;
  $('#key-server-state').textContent = down ? 'down (503)' : 'up';
  $('#key-server-state').dataset.state = down ? 'down' : 'up';
  $('#key-toggle').textContent = down ? 'Bring it back up' : 'Take it down';
  $('#key-toggle').disabled = false;
  renderKeyCache();
}

function renderKeyCache() {
  if (keySet.fetchedAt === undefined) return;
  // The page hears of an answer a moment before or after tokenward does; a second of margin keeps
  // "stale" here from being announced before tokenward's own freshness has run out.
  const left = Math.ceil(keySet.fetchedAt / 1000 + keySet.maxAge + 1 - Date.now() / 1000);
  const freshness =
    left > 0
      ? `fresh for ${relative(Math.min(left, keySet.maxAge)).replace('in ', '')} more: verifies need no request`
      : keySet.down
        ? 'stale: the key server is down, so the cached set keeps serving (maxStale 1 day)'
        : 'stale: the next verify revalidates it (If-None-Match → 304)';
  $('#key-cache').textContent =
    `Key set: kid ${keySet.kid}, max-age ${keySet.maxAge} s, ${freshness}.`;
  $('#key-cache').dataset.fresh = String(left > 0);
}
setInterval(renderKeyCache, 1000);

$('#key-toggle').addEventListener('click', async () => {
  $('#key-toggle').disabled = true;
  const state = await ky.post(`${issuer}/admin/${keySet.down ? 'keys-up' : 'keys-down'}`).json();
  renderKeyServer(state.keyServerDown);
});

// Who said it: the issuer runs the key server and the API in one process, but they are two roles.
const SERVER_TAG = {
  'key-request': 'key server',
  'key-server': 'key server',
  rotate: 'issuer',
  api: 'API',
};

const KEY_ANSWER = {
  200: 'key set sent',
  304: 'Not Modified: the cached set is still right, and fresh again',
  503: 'the key server is down',
};

function onServerFact(fact) {
  if (fact.kind === 'key-server') renderKeyServer(fact.keyServerDown);
  if (fact.kind === 'key-request' && fact.maxAge !== undefined && fact.status !== 503) {
    Object.assign(keySet, { fetchedAt: fact.time, maxAge: fact.maxAge });
    if (fact.kid !== undefined) keySet.kid = fact.kid;
    renderKeyCache();
  }
  const text =
    fact.kind === 'key-request'
      ? `GET ${fact.path}${fact.conditional ? ' (If-None-Match)' : ''} → ${fact.status}: ${
          fact.status === 200 && !fact.path.endsWith('jwks.json')
            ? 'document sent'
            : (KEY_ANSWER[fact.status] ?? '')
        }`
      : fact.line.replace(/^\S+\s+/, '');
  addTimeline('server', SERVER_TAG[fact.kind] ?? fact.kind, text, fact.time);
}

// The issuer's own log, live: what the key server actually received and answered. Keys are
// fetched ahead of the first verify (hydrate) once the log is connected, so that fetch shows too.
const serverLog = new EventSource(`${issuer}/admin/log`);
serverLog.onmessage = (message) => onServerFact(JSON.parse(message.data));
const hydrate = () => verifier.hydrate().catch(() => undefined); // a failure shows as keys:error
serverLog.addEventListener('open', hydrate, { once: true });
serverLog.addEventListener('error', hydrate, { once: true });
ky.get(`${issuer}/admin/state`)
  .json()
  .then((state) => renderKeyServer(state.keyServerDown));

// ---- The timeline. ----

const EVENT_TEXT = {
  'keys:fetch': (e) =>
    ({
      cold: 'no key set yet: fetching it',
      expired: 'the cached set is past its max-age: revalidating it',
      'unknown-kid': 'the token names a kid the cached set lacks: refetching once',
    })[e.reason] ?? e.reason,
  // The keys came from the cache; whether the token then passes is the verdict's to say.
  'keys:cache-hit': () => 'keys taken from the fresh cached set: no request',
  'keys:stale': (e) =>
    `the key server failed; using the cached set, stale for ${e.staleSeconds} s (within maxStale)`,
  'keys:error': (e) => `key request failed: ${e.error?.code ?? e.error}`,
  'token:rejected': (e) => `token refused: ${e.code}${e.claim ? ` (claim ${e.claim})` : ''}`,
};

function logEvent(event) {
  addTimeline('event', event.type, EVENT_TEXT[event.type]?.(event) ?? '', Date.now());
}

function addTimeline(kind, tag, text, time) {
  const item = document.createElement('li');
  item.dataset.kind = kind;
  item.dataset.type = tag;
  item.innerHTML = `<time>${clockTime(time)}</time> <span class="tag">${escapeHtml(tag)}</span> ${escapeHtml(text)}`;
  $('#events').prepend(item);
  while ($('#events').children.length > 80) $('#events').lastElementChild.remove();
}

// ---- The story of the token on screen. ----

let claimsTimer;

/**
 * Puts a token on screen and verifies it. Everything shown (claims, checks, verdict, what was
 * sent) belongs to this token; a slower, older verification never overwrites a newer one.
 */
async function present({ token, arrived, checks, verify, okText, sendable }) {
  const id = ++screen.id;
  Object.assign(screen, { token: sendable ? token : undefined, sendable });
  $('#arrived').innerHTML = arrived;
  let decoded;
  try {
    decoded = decode(token);
  } catch {
    decoded = undefined;
  }
  $('#header').textContent = decoded ? JSON.stringify(decoded.header, null, 2) : '(not a JWT)';
  const renderClaims = () =>
    ($('#claims').textContent = decoded ? claimsText(decoded.payload) : '(not a JWT)');
  renderClaims();
  clearInterval(claimsTimer);
  claimsTimer = setInterval(renderClaims, 1000); // "expires in 4 m" stays true
  const list = checks(decoded?.header ?? {});
  renderChecks(list, undefined);
  setVerdict('idle', 'Verifying…');
  Object.assign($('#story').dataset, { state: 'verifying', screen: String(id) });
  setSent(
    'idle',
    sendable
      ? 'Not called yet for this token.'
      : 'An ID token is for this app only: it is never sent to an API.',
  );
  $('#call-api').disabled = !sendable;
  try {
    const { payload } = await verify();
    if (id !== screen.id) return true;
    renderChecks(list, -1);
    setVerdict(
      'ok',
      `Verified: every check passed, for <code>${escapeHtml(payload.sub)}</code>. ${okText ?? ''}`,
      'OK',
    );
    return true;
  } catch (error) {
    if (id !== screen.id) return false;
    if (!isVerificationError(error)) throw error;
    const failed = failedCheck(error, list);
    if (failed === -1) list.push({ id: error.claim ?? 'other', label: error.claim ?? error.code });
    renderChecks(list, failed === -1 ? list.length - 1 : failed);
    const claim = error.claim ? ` (claim <code>${escapeHtml(error.claim)}</code>)` : '';
    setVerdict(
      'refused',
      `Refused: <code>${error.code}</code>${claim}. ${MEANING[error.code] ?? ''}<br /><small>${escapeHtml(error.message)}</small>`,
      error.code,
    );
    return false;
  } finally {
    if (id === screen.id) $('#story').dataset.state = 'done';
  }
}

/** `failed`: index of the refused check; undefined while verifying; -1 when all passed. */
function renderChecks(list, failed) {
  const failedCheck = failed >= 0 ? list[failed] : undefined;
  $('#checks').innerHTML = list
    .map((check, i) => {
      let mark = 'pending';
      if (failed === -1) mark = 'pass';
      else if (failedCheck !== undefined) {
        if (i === failed) mark = 'fail';
        // Before the refusal passed, except claims checked alongside the refused one; after it,
        // nothing ran: verification stops at the first failure.
        else if (i < failed && !(check.group === 'claims' && failedCheck.group === 'claims'))
          mark = 'pass';
        else mark = 'skip';
      }
      const symbol = { pass: '✓', fail: '✗', skip: '–', pending: '…' }[mark];
      const note = mark === 'skip' ? ' <small>(not checked: stopped at the failure)</small>' : '';
      return `<li data-check="${check.id}" data-mark="${mark}"><span class="mark">${symbol}</span> ${escapeHtml(check.label)}${note}</li>`;
    })
    .join('');
}

/**
 * On a phone the verdict is far below the buttons: bring it into view unless it already is
 * (a desktop, where every step is on screen, does not move).
 */
function bringIntoView(element) {
  const { top, bottom } = element.getBoundingClientRect();
  if (top >= 0 && bottom <= window.innerHeight) return;
  const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
  element.scrollIntoView({ block: 'center', behavior: smooth ? 'smooth' : 'instant' });
}

function setVerdict(state, html, code = '') {
  Object.assign($('#verdict').dataset, { state, code });
  $('#verdict').innerHTML = html;
  bringIntoView($('#verdict'));
}

function setSent(state, text, { show = false } = {}) {
  $('#api-result').dataset.state = state;
  $('#api-result').textContent = text;
  if (show) bringIntoView($('#api-result'));
}

// ---- Actions. ----

async function login(ttl) {
  const { access_token } = await ky
    .post(`${issuer}/login`, { json: { username: $('#username').value, ttl } })
    .json();
  return access_token;
}

const presentAccess = (token, arrived, okText) =>
  present({
    token,
    arrived,
    okText,
    sendable: true,
    checks: (header) => accessChecks(header, issuer, AUDIENCE),
    verify: () => verifier.verify(token),
  });

$('#login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = await login(300);
  await presentAccess(
    token,
    'An access token from <code>POST /login</code>, signed by the issuer.',
    'Shown, and attached to API calls.',
  );
});

$('#call-api').addEventListener('click', async (event) => {
  const id = screen.id;
  // A person's tap shows the answer; the call a refusal makes by itself keeps the verdict in view.
  const show = event.isTrusted;
  setSent('idle', 'Calling…', { show });
  let state;
  let text;
  try {
    const body = await api.get('profile').json();
    [state, text] = [
      'sent',
      `Sent with Authorization: Bearer <the token above>.\n→ 200 ${JSON.stringify(body, null, 2)}`,
    ];
  } catch (error) {
    [state, text] = isVerificationError(error)
      ? ['blocked', `Not sent: tokenward refused the token (${error.code}). The API never saw it.`]
      : ['sent', `Sent, and the API answered: ${error.message}`];
  }
  if (id === screen.id) setSent(state, text, { show });
});

async function signedByStranger() {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT({ name: 'Mallory', scope: 'admin' })
    .setProtectedHeader({ alg: 'RS256', kid: 'attacker-key' })
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setSubject('mallory')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
}

const base64url = (text) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

function tampered(token) {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
  claims.scope = 'admin';
  return [header, base64url(JSON.stringify(claims)), signature].join('.');
}

function unsigned(token) {
  const [, payload] = token.split('.');
  return `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`;
}

const DEFENCES = {
  tamper: {
    token: async () => tampered(await login(300)),
    arrived:
      "The issuer's token, edited on the way: <code>scope</code> changed to <code>admin</code>, signature kept.",
  },
  none: {
    token: async () => unsigned(await login(300)),
    arrived: "The issuer's claims, relabelled <code>alg: none</code> with the signature removed.",
  },
  'unknown-key': {
    token: signedByStranger,
    arrived:
      "A token made in this page with an attacker's own key (<code>kid: attacker-key</code>), claiming <code>scope: admin</code>.",
  },
  expire: {
    token: async () => {
      const token = await login(1);
      await sleep(2100);
      return token;
    },
    arrived: 'A token that lived 1 s, verified 2 s later.',
  },
  rotate: {
    token: async () => {
      // An unknown kid refetches at most once per cooldown, counted from the last key request
      // (a 304 included): wait it out, so this shows the refetch rather than the flood guard.
      const wait = (keySet.fetchedAt ?? 0) + COOLDOWN_SECONDS * 1000 + 250 - Date.now();
      if (wait > 0) {
        setVerdict(
          'idle',
          `Waiting ${Math.ceil(wait / 1000)} s: the last key request was within the cooldown…`,
        );
        await sleep(wait);
      }
      await ky.post(`${issuer}/admin/rotate`);
      return login(300); // signed by the new key
    },
    arrived: "A token signed by the issuer's <em>new</em> key, right after a key rotation.",
    okText:
      'Its kid was not in the cached key set, so tokenward refetched the set once (past the HTTP cache) and found the new key. A flood of unknown kids would cost at most one request per cooldown.',
  },
};

for (const button of document.querySelectorAll('[data-defence]')) {
  button.addEventListener('click', async () => {
    const defence = DEFENCES[button.dataset.defence];
    setVerdict('idle', 'Working…');
    const token = await defence.token();
    const verified = await presentAccess(
      token,
      defence.arrived,
      defence.okText ?? 'Unexpectedly accepted!',
    );
    // Show that a refused token is never sent: the API call rejects before any request leaves.
    if (!verified) $('#call-api').click();
  });
}

const SSO = {
  ok: 'An ID token from an SSO sign-in, checked against what this sign-in sent.',
  'wrong-nonce':
    "The same kind of ID token, checked against another sign-in's nonce (a replayed token).",
  'wrong-client': 'An ID token issued to this app, checked by another client (someone-elses-app).',
  'swapped-access-token':
    'An ID token checked against an access token from another response (at_hash).',
};

for (const button of document.querySelectorAll('[data-sso]')) {
  button.addEventListener('click', async () => {
    const variant = button.dataset.sso;
    setVerdict('idle', 'Signing in…');
    const nonce = crypto.randomUUID();
    const response = await ky.post(`${issuer}/sso/sign-in`, { json: { nonce } }).json();
    const checks = { nonce, maxAge: '10m', accessToken: response.access_token };
    if (variant === 'wrong-nonce') checks.nonce = crypto.randomUUID();
    if (variant === 'swapped-access-token') checks.accessToken = await login(300);
    const clientId = variant === 'wrong-client' ? 'someone-elses-app' : AUDIENCE;
    const idVerifier = variant === 'wrong-client' ? otherClient : idTokens;
    await present({
      token: response.id_token,
      arrived: SSO[variant],
      okText: 'This sign-in can be trusted.',
      sendable: false,
      checks: (header) => idTokenChecks(header, issuer, clientId),
      verify: () => idVerifier.verify(response.id_token, checks),
    });
  });
}
