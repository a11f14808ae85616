// The shell: routes (#/today, #/patients/7, ...), the menu, the sync counter and
// the service worker. Each screen is its own module, loaded when first shown.
import { api, auth, queued, signOut, sync } from './api.js';
import { forgetPush, refreshPush } from './push.js';
import { h } from './ui.js';

const SCREENS = {
  signin: () => import('./signin.js'),
  enrol: () => import('./enrol.js'),
  today: () => import('./today.js'),
  pain: () => import('./pain.js'),
  trends: () => import('./trends.js'),
  questionnaire: () => import('./questionnaire.js'),
  reminders: () => import('./reminders.js'),
  patients: () => import('./patients.js'),
  patient: () => import('./patient.js'),
  invite: () => import('./invite.js'),
  alerts: () => import('./alerts.js'),
};

const NAV = {
  patient: [['today', 'Today'], ['pain', 'Log pain'], ['trends', 'Trends'], ['reminders', 'Reminders']],
  therapist: [['patients', 'Patients'], ['alerts', 'Alerts']],
};
const HOME = { patient: 'today', therapist: 'patients' };
const PUBLIC = new Set(['signin', 'enrol']);
const ROLE_OF = { today: 'patient', questionnaire: 'patient', pain: 'patient', trends: 'patient', reminders: 'patient', patients: 'therapist', patient: 'therapist', invite: 'therapist', alerts: 'therapist' };

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const menu = document.getElementById('menu');
let flash = '';
let renderCount = 0;

function parseHash() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  const params = Object.fromEntries(new URLSearchParams(query));
  if (parts[0] === 'patients' && parts[1]) return { name: 'patient', params: { ...params, id: parts[1] } };
  return { name: parts[0] || '', params };
}

export function go(name) {
  location.hash = `#/${name}`;
}

/** Shows a message on the next screen (e.g. why the user was signed out). */
export function flashNext(text) {
  flash = text;
}

function drawChrome(user, current) {
  menu.hidden = !user;
  nav.hidden = !user;
  menu.open = false;
  document.getElementById('who').textContent = user ? `Signed in as ${user.name} (${user.email})` : '';
  nav.replaceChildren(...(user ? NAV[user.role] || [] : []).map(([name, label]) => h('a', {
    href: `#/${name}`,
    'aria-current': name === current || (name === 'patients' && ['patient', 'invite'].includes(current)) ? 'page' : null,
  }, label, name === 'alerts' ? h('span', { class: 'badge', id: 'alert-badge', hidden: true }) : null)));
  if (user?.role === 'therapist') countAlerts();
  else alertCount = { value: 0, at: 0 };
}

/** The number of open alerts, next to "Alerts" in the menu. */
let alertCount = { value: 0, at: 0 };

function showAlertCount() {
  const badge = document.getElementById('alert-badge');
  if (!badge) return;
  badge.textContent = String(alertCount.value);
  badge.hidden = !alertCount.value;
  badge.setAttribute('aria-label', `${alertCount.value} open`);
}

/** The number of open alerts next to "Alerts": asked of the server at most once a
 * minute while moving between screens, and at once after an acknowledgement. */
async function countAlerts(fresh = false) {
  showAlertCount();
  if (!fresh && Date.now() - alertCount.at < 60000) return;
  try {
    alertCount = { value: (await api('/alerts?status=open')).length, at: Date.now() };
    showAlertCount();
  } catch { /* offline: keep what was shown */ }
}
window.addEventListener('alertschange', () => countAlerts(true));

async function route() {
  const count = ++renderCount;
  const user = auth.token ? auth.user : null;
  let { name, params } = parseHash();
  if (!user && !PUBLIC.has(name)) name = 'signin';
  else if (user && name === 'signin') return go(HOME[user.role] || 'today');
  else if (user && !PUBLIC.has(name) && ROLE_OF[name] !== user.role) {
    const home = HOME[user.role] || 'signin';
    if (name !== home) return go(home);
  }
  drawChrome(user && !PUBLIC.has(name) ? user : null, name);
  let module;
  try {
    module = await SCREENS[name]();
  } catch {
    main.replaceChildren(h('p', { class: 'status error' }, 'This screen could not be loaded. Please check your connection and reload.'));
    return;
  }
  if (count !== renderCount) return;
  main.replaceChildren();
  if (flash) {
    main.append(h('p', { class: 'status info', role: 'status' }, flash));
    flash = '';
  }
  const screen = h('div', { class: `screen screen-${name}` });
  main.append(screen);
  await module.render(screen, params, { user, go });
  if (count === renderCount) (main.querySelector('h1') || main).focus({ preventScroll: false });
}

async function checkMe() {
  if (!auth.token) return;
  try {
    const me = await api('/me');
    auth.setUser(me);
    await adoptTimezone(me);
    if (me.role === 'patient') refreshPush();
  } catch {
    // Offline: keep the saved user; a 401 already signed us out.
  }
}

/** New patient accounts start in UTC; use the phone's own zone instead. */
export async function adoptTimezone(user) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (user.role !== 'patient' || !zone || user.timezone === zone || user.timezone !== 'UTC') return user;
  try {
    const updated = await api('/me', { method: 'PATCH', body: { timezone: zone } });
    auth.setUser(updated);
    return updated;
  } catch {
    return user;
  }
}

function showQueue(items) {
  const badge = document.getElementById('sync');
  badge.hidden = !items.length;
  badge.textContent = items.length ? `${items.length} waiting to sync` : '';
}

window.addEventListener('queuechange', (event) => showQueue(event.detail));
window.addEventListener('hashchange', route);
window.addEventListener('signedout', () => {
  flashNext('Your session has ended. Please sign in again.');
  go('signin');
});
document.getElementById('signout').addEventListener('click', async () => {
  await forgetPush();
  await signOut();
  showQueue([]);
  go('signin');
});
document.addEventListener('click', (event) => {
  if (menu.open && !menu.contains(event.target)) menu.open = false;
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && menu.open) menu.open = false;
});

route();
checkMe();
queued().then(showQueue, () => {});
sync();

if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {});
  });
  // A tapped reminder asks an open window to show Today (see sw.js).
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data?.type === 'open' && typeof event.data.hash === 'string') location.hash = event.data.hash;
  });
}
