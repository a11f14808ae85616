// Talks to /api/v1: keeps the token, turns errors into plain words, and holds the
// offline queue (IndexedDB) of pain entries, session completions and messages.

const BASE = '/api/v1';
const TOKEN = 'kc.token';
const USER = 'kc.user';

export const auth = {
  get token() { return localStorage.getItem(TOKEN); },
  get user() {
    try { return JSON.parse(localStorage.getItem(USER)); } catch { return null; }
  },
  set(token, user) {
    localStorage.setItem(TOKEN, token);
    this.setUser(user);
  },
  setUser(user) { localStorage.setItem(USER, JSON.stringify(user)); },
  clear() {
    localStorage.removeItem(TOKEN);
    localStorage.removeItem(USER);
  },
};

const PLAIN = {
  0: 'You seem to be offline. Please try again when you have a connection.',
  401: 'Please sign in again.',
  403: 'This is not available to your account.',
  404: 'This could not be found. It may have been removed.',
  429: 'Too many attempts. Please wait a minute and try again.',
  500: 'Something went wrong on our side. Please try again in a moment.',
};

export class ApiError extends Error {
  constructor(status, body = {}) {
    const fallback = PLAIN[status] || (status >= 500 ? PLAIN[500] : 'That did not work.');
    const useServer = typeof body.message === 'string' && status < 500 && status !== 0;
    super(useServer || status === 503 ? body.message || fallback : fallback);
    this.status = status;
    this.errors = body.errors || {};
    this.problems = body.problems || [];
    // A 409 of a completion carries the session as stored (another device's).
    this.session = body.session || null;
  }
}

function headers(type) {
  const out = { Accept: 'application/json' };
  if (type) out['Content-Type'] = type;
  if (auth.token) out.Authorization = `Bearer ${auth.token}`;
  return out;
}

// `type` sends `body` as it is (a YAML file's text); otherwise it goes as JSON.
async function send(method, path, body, type) {
  const json = body !== undefined && !type;
  return fetch(BASE + path, {
    method,
    headers: headers(json ? 'application/json' : type),
    body: json ? JSON.stringify(body) : body,
    cache: 'no-store',
  });
}

async function readBody(response) {
  if (response.status === 204) return null;
  try { return await response.json(); } catch { return null; }
}

/**
 * Calls the API; resolves with the JSON answer (or the text, with `text: true`)
 * or throws an ApiError. `type` sends a text body of that content type.
 */
export async function api(path, { method = 'GET', body, type, text = false } = {}) {
  let response;
  try {
    response = await send(method, path, body, type);
  } catch {
    throw new ApiError(0);
  }
  const data = text && response.ok ? await response.text() : await readBody(response);
  if (response.status === 401 && auth.token && !path.startsWith('/auth/')) {
    auth.clear();
    window.dispatchEvent(new CustomEvent('signedout', { detail: 'expired' }));
  }
  if (!response.ok) throw new ApiError(response.status, data || {});
  if (!response.headers.get('X-Offline-Copy')) syncSoon();
  return data;
}

/** Fetches a file (a PDF, a FHIR bundle) with the token; resolves with a Blob. */
export async function apiBlob(path) {
  let response;
  try {
    response = await fetch(BASE + path, { headers: headers(false), cache: 'no-store' });
  } catch {
    throw new ApiError(0);
  }
  if (!response.ok) throw new ApiError(response.status, (await readBody(response)) || {});
  return response.blob();
}

/** Saves a Blob as a file on the device. */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- The offline queue -------------------------------------------------------

let dbPromise;
function db() {
  dbPromise ||= new Promise((resolve, reject) => {
    const open = indexedDB.open('kinetic', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('queue', { keyPath: 'id' });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  return dbPromise;
}

async function store(mode, work) {
  const database = await db();
  return new Promise((resolve, reject) => {
    const tx = database.transaction('queue', mode);
    const request = work(tx.objectStore('queue'));
    tx.oncomplete = () => resolve(request?.result);
    tx.onerror = () => reject(tx.error);
  });
}

/** The current user's queued items, oldest first; `path` keeps those for one
 * endpoint (e.g. the messages waiting to be sent). */
export async function queued(path) {
  const user = auth.user;
  if (!user) return [];
  const all = (await store('readonly', (s) => s.getAll())) || [];
  return all.filter((item) => item.user === user.id && (!path || item.path === path))
    .sort((a, b) => a.created - b.created);
}

async function announce() {
  const items = await queued();
  window.dispatchEvent(new CustomEvent('queuechange', { detail: items }));
  return items;
}

// A 2xx or 4xx answer settles an item for good; no answer, 5xx, 401 (signed out)
// and 429 (throttled) mean try again later.
const settled = (status) => status < 500 && status !== 401 && status !== 429;

async function deliver(item) {
  let response;
  try {
    response = await send('POST', item.path, item.body);
  } catch {
    return { offline: true };
  }
  const data = await readBody(response);
  if (!settled(response.status)) return { offline: response.status !== 401, kept: true };
  await store('readwrite', (s) => s.delete(item.id));
  if (!response.ok) return { error: new ApiError(response.status, data || {}) };
  // Screens showing what was waiting (a message thread) update from this.
  window.dispatchEvent(new CustomEvent('synced', { detail: { item, data } }));
  return { data };
}

let syncing = null;
let again = false;

/** Sends every queued item once, in order; stops at the first network failure. */
export function sync() {
  if (syncing) {
    again = true;
    return syncing;
  }
  syncing = (async () => {
    try {
      do {
        again = false;
        for (const item of await queued()) {
          const result = await deliver(item);
          if (result.offline || result.kept) break;
          if (result.error) window.dispatchEvent(new CustomEvent('syncerror', { detail: { item, error: result.error } }));
        }
      } while (again);
    } catch {
      // IndexedDB unavailable: nothing was queued either.
    } finally {
      syncing = null;
      await announce();
    }
  })();
  return syncing;
}

function syncSoon() {
  queued().then((items) => { if (items.length) sync(); }, () => {});
}

/**
 * Stores a POST in the queue first (so closing the app loses nothing), then tries
 * to send it. Resolves with {data} when sent, {queued: true} when it waits, or
 * rejects with an ApiError the server gave.
 */
export async function submit(id, path, body, label) {
  const item = { id, path, body, label, user: auth.user?.id, created: Date.now() };
  await store('readwrite', (s) => s.put(item));
  await announce();
  if (syncing) await syncing;
  const result = await deliver(item);
  await announce();
  if (result.error) throw result.error;
  if (result.data !== undefined) {
    syncSoon();
    return { data: result.data };
  }
  return { queued: true };
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function signOut() {
  try { await api('/auth/logout', { method: 'POST' }); } catch { /* signed out locally anyway */ }
  auth.clear();
  if ('caches' in window) {
    for (const name of await caches.keys()) if (name.startsWith('api-')) await caches.delete(name);
  }
}

window.addEventListener('online', () => sync());
