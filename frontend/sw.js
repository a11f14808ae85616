// The app shell comes from the cache first; /api/ goes to the network first and
// falls back to the last answer cached for the same URL. Bump VERSION whenever a
// shell file changes: the new worker then fetches them all again.
const VERSION = '2026-12-05.clinic5';
const SHELL_CACHE = `shell-${VERSION}`;
const API_CACHE = `api-${VERSION}`;

const SHELL = [
  '/',
  '/manifest.webmanifest',
  '/css/app.css',
  '/css/prescribing.css',
  '/js/app.js',
  '/js/api.js',
  '/js/ui.js',
  '/js/charts.js',
  '/js/signin.js',
  '/js/enrol.js',
  '/js/today.js',
  '/js/dose.js',
  '/js/player.js',
  '/js/cues.js',
  '/js/figure.js',
  '/js/pain.js',
  '/js/trends.js',
  '/js/progress.js',
  '/js/questionnaire.js',
  '/js/due.js',
  '/js/outcomes.js',
  '/js/reminders.js',
  '/js/push.js',
  '/js/patients.js',
  '/js/patient.js',
  '/js/patient-head.js',
  '/js/progression.js',
  '/js/invite.js',
  '/js/alerts.js',
  '/js/messages.js',
  '/js/report.js',
  '/js/catalogue.js',
  '/js/picker.js',
  '/js/plan-editor.js',
  '/js/plan-view.js',
  '/js/tailor.js',
  '/js/library.js',
  '/js/library-forms.js',
  '/js/account.js',
  '/js/clinic.js',
  '/js/care-team.js',
  '/icons/icon-192.png',
  '/vendor/uPlot.iife.min.js',
  '/vendor/uPlot.min.css',
];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    await cache.addAll(SHELL);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keep = new Set([SHELL_CACHE, API_CACHE]);
    for (const name of await caches.keys()) if (!keep.has(name)) await caches.delete(name);
    await self.clients.claim();
  })());
});

async function networkFirst(request) {
  const cache = await caches.open(API_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch {
    const cached = await cache.match(request, { ignoreVary: true });
    if (cached) {
      const headers = new Headers(cached.headers);
      headers.set('X-Offline-Copy', '1');
      return new Response(cached.body, { status: cached.status, headers });
    }
    return new Response(JSON.stringify({
      code: 503, message: 'You are offline, and this has not been loaded on this device before.',
    }), { status: 503, headers: { 'Content-Type': 'application/json' } });
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreSearch: request.mode === 'navigate' });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(SHELL_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) {
    // The API docs are a web page of their own, not app data.
    if (!url.pathname.startsWith('/api/docs')) event.respondWith(networkFirst(request));
    return;
  }
  if (url.pathname === '/healthz' || url.pathname === '/sw.js') return;
  if (request.mode === 'navigate') {
    if (url.pathname === '/' || url.pathname === '/index.html') event.respondWith(cacheFirst(new Request('/')));
    return;
  }
  event.respondWith(cacheFirst(request));
});

// A reminder or a message from the server (Web Push): show it, and tell open
// windows so a message thread on screen updates at once; a tap opens its page.
self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : '' };
  }
  event.waitUntil((async () => {
    await self.registration.showNotification(data.title || 'Kinetic Chain', {
      body: data.body || 'Open the app to see today\'s session.',
      tag: data.tag || 'kinetic-reminder',
      icon: '/icons/icon-192.png',
      data: { url: data.url || '/#/today' },
    });
    const windows = await self.clients.matchAll({ type: 'window' });
    for (const client of windows) client.postMessage({ type: 'push', tag: data.tag || '' });
  })());
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || '/#/today', self.location.origin);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((client) => new URL(client.url).origin === url.origin);
    if (!open) return self.clients.openWindow(url.href);
    await open.focus();
    open.postMessage({ type: 'open', hash: url.hash || '#/today' });
  })());
});
