// The demo page: verify every token before showing it or sending it.
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

const issuer = location.origin;
const $ = (selector) => document.querySelector(selector);

// What each refusal means, in the words a user of the page needs.
const MEANING = {
  ERR_SIGNATURE_INVALID:
    'The signature does not match the content: the token was altered on the way (or forged).',
  ERR_ALG_NOT_ALLOWED:
    'The token asks for an algorithm outside the allow-list. "none" means no signature at all.',
  ERR_KEY_NOT_FOUND:
    'No key of the issuer has this kid, even after refetching the key set: not our issuer.',
  ERR_TOKEN_EXPIRED: 'The token is past its exp. A fresh one is needed; the old one is never sent.',
  ERR_TOKEN_MALFORMED: 'This is not a compact JWS at all.',
  ERR_KEY_FETCH_FAILED: 'The key server could not be read and no cached key set is usable.',
  ERR_CLAIM_INVALID: 'A claim does not match what this app expects (issuer, audience, …).',
};

const session = { token: undefined };

const verifier = createVerifier({
  // cooldown 2 s so the rotation demo can refetch right after the unknown-key demo did.
  keys: jwks(`${issuer}/.well-known/jwks.json`, { cooldown: 2 }),
  issuer,
  audience: 'tokenward-demo',
  onEvent: logEvent,
});
verifier.hydrate().catch(() => undefined);

const api = withVerifiedToken(ky.create({ prefix: `${issuer}/api/` }), {
  verifier,
  getToken: () => session.token,
  // allowedOrigins defaults to this page's origin: the token never goes anywhere else.
});

function logEvent(event) {
  const item = document.createElement('li');
  const { type, ...rest } = event;
  const details = Object.entries(rest)
    .map(
      ([k, v]) =>
        `${k}=${v instanceof Error ? v.code : typeof v === 'object' ? JSON.stringify(v) : v}`,
    )
    .join(' ');
  item.textContent = `${new Date().toLocaleTimeString()}  ${type}  ${details}`;
  item.dataset.type = type;
  $('#events').prepend(item);
}

function showToken(token) {
  try {
    const { header, payload } = decode(token);
    $('#header').textContent = JSON.stringify(header, null, 2);
    $('#claims').textContent = JSON.stringify(payload, null, 2);
  } catch {
    $('#header').textContent = $('#claims').textContent = '(not a JWT)';
  }
}

function verdict(element, state, html, code = '') {
  element.dataset.state = state;
  element.dataset.code = code;
  element.innerHTML = html;
}

function refusal(error) {
  if (!isVerificationError(error)) return `Unexpected error: ${error}`;
  return `Refused: <code>${error.code}</code>. ${MEANING[error.code] ?? ''} <br /><small>${escapeHtml(error.message)}</small>`;
}

const escapeHtml = (text) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

async function login(ttl) {
  const { access_token } = await ky
    .post(`${issuer}/login`, { json: { username: $('#username').value, ttl } })
    .json();
  return access_token;
}

/** Verifies a token and shows the outcome; returns whether it verified. */
async function verifyAndShow(token, element, okText) {
  showToken(token);
  try {
    const { payload } = await verifier.verify(token);
    verdict(
      element,
      'ok',
      `${okText} Verified for <code>${escapeHtml(payload.sub)}</code> by ${escapeHtml(payload.iss)}.`,
      'OK',
    );
    return true;
  } catch (error) {
    verdict(element, 'refused', refusal(error), error.code);
    return false;
  }
}

$('#login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = await login(300);
  if (await verifyAndShow(token, $('#verdict'), 'Logged in.')) session.token = token;
});

$('#call-api').addEventListener('click', async () => {
  try {
    const body = await api.get('profile').json();
    $('#api-result').textContent = JSON.stringify(body, null, 2);
  } catch (error) {
    $('#api-result').textContent = isVerificationError(error)
      ? `Not sent: tokenward refused the token (${error.code}). The API never saw it.`
      : `The API answered: ${error.message}`;
  }
});

async function signedByStranger() {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT({ name: 'Mallory', scope: 'admin' })
    .setProtectedHeader({ alg: 'RS256', kid: 'attacker-key' })
    .setIssuer(issuer)
    .setAudience('tokenward-demo')
    .setSubject('mallory')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
}

function tampered(token) {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
  claims.scope = 'admin';
  const edited = btoa(JSON.stringify(claims))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  return [header, edited, signature].join('.');
}

function unsigned(token) {
  const [, payload] = token.split('.');
  const header = btoa(JSON.stringify({ alg: 'none', typ: 'JWT' })).replace(/=+$/, '');
  return `${header}.${payload}.`;
}

const defences = {
  tamper: async () => tampered(await login(300)),
  none: async () => unsigned(await login(300)),
  'unknown-key': signedByStranger,
  expire: async () => {
    const token = await login(1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    return token;
  },
  rotate: async () => {
    await ky.post(`${issuer}/admin/rotate`);
    return login(300); // signed by the new key
  },
  'keys-down': async () => {
    await ky.post(`${issuer}/admin/keys-down`);
    try {
      return await login(300); // the cached (now stale) key set still verifies it
    } finally {
      setTimeout(() => ky.post(`${issuer}/admin/keys-up`), 10_000);
    }
  },
};

const OK_TEXT = {
  rotate:
    'New signing key: the demo issuer serves its key set with Cache-Control: no-cache, so the next verify revalidated it, got the new key (ETag changed) and the token verified. With a cached set, the unknown kid would trigger one refetch (at most once per cooldown).',
  'keys-down':
    'The key server answers 503, yet the cached key set (stale, within maxStale) still verified the token. It comes back in 10 s.',
};

for (const button of document.querySelectorAll('[data-defence]')) {
  button.addEventListener('click', async () => {
    const name = button.dataset.defence;
    const result = $('#defence-result');
    verdict(result, 'idle', 'Working…');
    const token = await defences[name]();
    const verified = await verifyAndShow(token, result, OK_TEXT[name] ?? 'Unexpectedly accepted!');
    if (verified) session.token = token;
    else {
      // Show that the API call is refused before anything is sent.
      session.token = token;
      $('#call-api').click();
    }
  });
}

// SSO: the ID token of a sign-in, checked against what this sign-in sent.
const idTokens = createIdTokenVerifier({
  issuer,
  clientId: 'tokenward-demo',
  leeway: 2,
  onEvent: logEvent,
});
const otherClient = createIdTokenVerifier({ issuer, clientId: 'someone-elses-app' });

const SSO_CHECKS = [
  'signature (RS256, key from discovery)',
  'iss equals the issuer exactly',
  'aud contains the client id; azp equals it',
  'exp and iat present and in range',
  'nonce equals the one this sign-in sent (constant-time)',
  'auth_time within max_age (10m)',
  'at_hash matches the access token',
];

for (const button of document.querySelectorAll('[data-sso]')) {
  button.addEventListener('click', async () => {
    const variant = button.dataset.sso;
    const result = $('#sso-result');
    verdict(result, 'idle', 'Signing in…');
    const nonce = crypto.randomUUID();
    const response = await ky.post(`${issuer}/sso/sign-in`, { json: { nonce } }).json();
    const checks = { nonce, maxAge: '10m', accessToken: response.access_token };
    if (variant === 'wrong-nonce') checks.nonce = crypto.randomUUID();
    if (variant === 'swapped-access-token') checks.accessToken = await login(300);
    const verifier = variant === 'wrong-client' ? otherClient : idTokens;
    showToken(response.id_token);
    $('#sso-checks').innerHTML = SSO_CHECKS.map((c) => `<li>${escapeHtml(c)}</li>`).join('');
    try {
      const { payload } = await verifier.verify(response.id_token, checks);
      verdict(
        result,
        'ok',
        `ID token valid for <code>${escapeHtml(payload.sub)}</code>: every check below passed.`,
        'OK',
      );
    } catch (error) {
      const claim = error.claim ? ` (claim <code>${escapeHtml(error.claim)}</code>)` : '';
      verdict(result, 'refused', `${refusal(error)}${claim}`, error.code);
    }
  });
}
