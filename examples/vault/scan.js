// What script running in this page can read: the demo panel shows it, and the tests search it
// for token strings. Everything is gathered the way an injected script (XSS) would.

/** Strings that look like a JWT (three base64url parts, the first a JSON header). */
export const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

/** Everything readable, as { place: text }. `extra` adds what the app itself got back. */
export async function scanPage(extra = {}) {
  const found = { ...extra };
  found.globals = globalsText();
  found.localStorage = JSON.stringify({ ...localStorage });
  found.sessionStorage = JSON.stringify({ ...sessionStorage });
  found.cookies = document.cookie;
  found.indexedDB = JSON.stringify(await indexedDbContents());
  found.caches = JSON.stringify(await cacheContents());
  return found;
}

function globalsText() {
  // Frames show up as numbered properties; another origin's frame is not this page's to read.
  const own = Object.keys(window).filter((name) => !/^\d+$/.test(name));
  const values = {};
  for (const name of own) {
    try {
      values[name] = JSON.stringify(window[name]) ?? String(window[name]);
    } catch {
      values[name] = '(unreadable)';
    }
  }
  return JSON.stringify(values);
}

async function indexedDbContents() {
  const contents = {};
  for (const { name } of await indexedDB.databases()) {
    const db = await request(indexedDB.open(name));
    for (const store of db.objectStoreNames) {
      const tx = db.transaction(store);
      contents[`${name}/${store}`] = await request(tx.objectStore(store).getAll());
    }
    db.close();
  }
  return contents;
}

async function cacheContents() {
  const contents = {};
  if (globalThis.caches === undefined) return contents; // not a secure context: no Cache API
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const key of await cache.keys())
      contents[`${name} ${key.url}`] = await (await cache.match(key)).text();
  }
  return contents;
}

const request = (r) =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

/**
 * Records every message the page receives from its service worker, on any port, as script that
 * ran before the app (an XSS in a third-party script) could.
 */
export function recordWorkerMessages() {
  const seen = [];
  const Native = window.MessageChannel;
  window.MessageChannel = class extends Native {
    constructor() {
      super();
      this.port1.addEventListener('message', (event) => seen.push(event.data));
    }
  };
  navigator.serviceWorker?.addEventListener('message', (event) => seen.push(event.data));
  return () => JSON.stringify(seen);
}
