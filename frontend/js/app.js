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
  messages: () => import('./messages.js'),
  report: () => import('./report.js'),
  tailor: () => import('./tailor.js'),
  library: () => import('./library.js'),
  account: () => import('./account.js'),
  clinic: () => import('./clinic.js'),
};

const NAV = {
  patient: [['today', 'Today'], ['pain', 'Log pain'], ['trends', 'Trends'], ['messages', 'Messages'], ['reminders', 'Reminders']],
  therapist: [['patients', 'Patients'], ['messages', 'Messages'], ['library', 'Library'], ['alerts', 'Alerts']],
};
const HOME = { patient: 'today', therapist: 'patients' };
// An admin who runs the clinic without treating patients has no patients to see.
const MANAGER_NAV = [['clinic', 'Clinic'], ['library', 'Library']];
const manages = (user) => user?.role === 'therapist' && user.clinic?.treats_patients === false;
const navOf = (user) => (manages(user) ? MANAGER_NAV : NAV[user.role] || []);
const homeOf = (user) => (manages(user) ? 'clinic' : HOME[user.role] || 'today');
const PUBLIC = new Set(['signin', 'enrol']);
const ROLE_OF = { today: 'patient', questionnaire: 'patient', pain: 'patient', trends: 'patient', reminders: 'patient', patients: 'therapist', patient: 'therapist', invite: 'therapist', alerts: 'therapist', report: 'therapist', tailor: 'therapist', library: 'therapist', clinic: 'therapist', messages: 'any', account: 'any' };

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const menu = document.getElementById('menu');
let flash = '';
let renderCount = 0;

function parseHash() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  const params = Object.fromEntries(new URLSearchParams(query));
  if (parts[0] === 'patients' && parts[1] && parts[2] === 'report') return { name: 'report', params: { ...params, id: parts[1] } };
  if (parts[0] === 'patients' && parts[2] === 'plans' && parts[3]) return { name: 'tailor', params: { ...params, id: parts[1], plan: parts[3] } };
  if (parts[0] === 'patients' && parts[1]) return { name: 'patient', params: { ...params, id: parts[1], section: parts[2] || 'overview' } };
  if (parts[0] === 'messages' && parts[1]) return { name: 'messages', params: { ...params, id: parts[1] } };
  // A clinic's invite: the join screen with the code (and name, email) filled in.
  if (parts[0] === 'join') return { name: 'enrol', params: { ...params, code: parts[1] || params.code || '', as: 'therapist' } };
  if (parts[0] === 'library') return { name: 'library', params: { ...params, kind: parts[1], slug: parts[2], action: parts[3] } };
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
  const clinicLink = document.getElementById('clinic-link');
  clinicLink.parentElement.hidden = user?.role !== 'therapist';
  if (current === 'clinic') clinicLink.setAttribute('aria-current', 'page');
  else clinicLink.removeAttribute('aria-current');
  nav.replaceChildren(...(user ? navOf(user) : []).map(([name, label]) => h('a', {
    href: `#/${name}`,
    'aria-current': name === current || (name === 'patients' && ['patient', 'invite', 'report', 'tailor'].includes(current)) ? 'page' : null,
  }, label, BADGES[name] ? h('span', { class: 'badge', id: `${name}-badge`, hidden: true }) : null)));
  if (!user) return;
  for (const [name, badge] of Object.entries(BADGES)) {
    if (navOf(user).some(([n]) => n === name)) countFor(name, badge);
  }
}

/** Counts beside menu items: open alerts (therapist) and unread messages. Each
 * is asked of the server at most once a minute while moving between screens,
 * and at once when a screen says it changed. */
const BADGES = {
  alerts: { event: 'alertschange', value: 0, at: 0, load: async () => (await api('/alerts?status=open')).length },
  messages: {
    event: 'messageschange',
    value: 0,
    at: 0,
    load: async () => (auth.user?.role === 'therapist'
      ? (await api('/patients')).reduce((n, p) => n + p.unread_messages, 0)
      : (await api('/me/messages')).filter((m) => !m.from_patient && !m.read_at).length),
  },
};

function showCount(name, badge) {
  const el = document.getElementById(`${name}-badge`);
  if (!el) return;
  el.textContent = String(badge.value);
  el.hidden = !badge.value;
  el.setAttribute('aria-label', `${badge.value} ${name === 'alerts' ? 'open' : 'unread'}`);
}

async function countFor(name, badge, fresh = false) {
  showCount(name, badge);
  if (!fresh && Date.now() - badge.at < 60000) return;
  try {
    Object.assign(badge, { value: await badge.load(), at: Date.now() });
    showCount(name, badge);
  } catch { /* offline: keep what was shown */ }
}
for (const [name, badge] of Object.entries(BADGES)) {
  window.addEventListener(badge.event, () => { if (auth.token) countFor(name, badge, true); });
}
const forgetCounts = () => { for (const badge of Object.values(BADGES)) Object.assign(badge, { value: 0, at: 0 }); };
window.addEventListener('signedout', forgetCounts);

async function route() {
  const count = ++renderCount;
  const user = auth.token ? auth.user : null;
  let { name, params } = parseHash();
  if (!user && !PUBLIC.has(name)) name = 'signin';
  else if (user && name === 'signin') return go(homeOf(user));
  else if (user && !PUBLIC.has(name) && ROLE_OF[name] !== user.role && ROLE_OF[name] !== 'any') {
    const home = homeOf(user);
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
/** Ends this device's session (its push subscription, token, counts) and shows
 * sign-in, with `message` when given (after "sign out everywhere"). */
export async function leave(message = '') {
  await forgetPush();
  await signOut();
  forgetCounts();
  showQueue([]);
  if (message) flashNext(message);
  go('signin');
}
document.getElementById('signout').addEventListener('click', () => leave());
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
  // A tapped reminder asks an open window to show Today (see sw.js); a pushed
  // message refreshes the unread count.
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data?.type === 'open' && typeof event.data.hash === 'string') location.hash = event.data.hash;
    if (event.data?.type === 'push') window.dispatchEvent(new Event('messageschange'));
  });
}
