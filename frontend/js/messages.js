// Messages between a patient and their therapist. The patient's screen is their
// one thread; the therapist's lists a thread per patient, newest first, with
// unread counts. Messages written offline wait in the queue (api.js) and are
// sent once, with their client_id.
import { api, auth, queued, submit, uuid } from './api.js';
import { formatTime, h, heading, say, statusLine } from './ui.js';

const MAX = 2000;
const POLL_MS = 15000;

/** Tells the menu's badges that unread counts may have changed. */
const changed = () => window.dispatchEvent(new Event('messageschange'));

// ---- red flags in the patient's words, for advice even offline ---------------

let checklist = null;
async function loadChecklist() {
  checklist ||= await api('/safety/checklist').catch(() => null);
  return checklist;
}

/** The same rule as the server (services/messages.py): all of a phrase's words
 * in one sentence, a trailing * matching any ending. */
function redFlagsIn(text) {
  if (!checklist) return [];
  const sentences = text.toLowerCase().replace(/\u2019/g, "'").split(/[.!?;\n]+/)
    .map((part) => part.match(/[a-z0-9']+/g) || []);
  const has = (words, stem) => (stem.endsWith('*')
    ? words.some((w) => w.startsWith(stem.slice(0, -1))) : words.includes(stem));
  return checklist.red_flags.filter((flag) => (flag.phrases || []).some((phrase) => sentences
    .some((words) => phrase.split(' ').every((stem) => has(words, stem)))));
}

function offlineAdvice(text) {
  const flags = redFlagsIn(text);
  if (!flags.length) return [];
  const signs = flags.map((f) => f.label).join(', ');
  return [{ level: 'urgent', text: checklist.urgent_message_advice.replace('{signs}', signs) }];
}

function showAdvice(box, advice = []) {
  const urgent = advice.filter((a) => a.level === 'urgent');
  if (!urgent.length) return;
  const alarm = h('section', { class: 'urgent-advice', role: 'alert', tabindex: '-1' },
    h('h2', {}, 'Seek urgent medical care now'), urgent.map((a) => h('p', {}, a.text)));
  box.replaceChildren(alarm);
  alarm.scrollIntoView({ block: 'start' });
  alarm.focus();
}

// ---- one thread ---------------------------------------------------------------

/** "You", or the name of who wrote it: on a care team, a colleague's message
 * is on the therapists' side but is not the reader's own. */
function whoWrote(message, mine, otherName) {
  const sender = message.sender;
  if (sender && sender.id !== auth.user?.id) return sender.name;
  return mine ? 'You' : otherName;
}

function bubble(message, { mine, otherName }) {
  const receipt = mine && message.read_at ? ` · Seen ${formatTime(message.read_at)}` : '';
  return h('li', { class: `msg ${mine ? 'mine' : 'theirs'}${message.waiting ? ' waiting' : ''}` },
    h('p', { class: 'msg-who' }, whoWrote(message, mine, otherName)),
    h('p', { class: 'msg-body' }, message.body),
    h('p', { class: 'msg-meta' }, message.waiting
      ? 'Not sent yet: it goes when you are back online'
      : h('time', { datetime: message.created_at }, formatTime(message.created_at)), receipt));
}

/**
 * A thread with its form. `path` is the API path of the thread (GET and POST),
 * `isMine(message)` tells which side wrote, `otherName` labels the other side.
 */
export function threadPanel({ path, isMine, otherName, label, checkRedFlags = false }) {
  const status = statusLine();
  // The live log around the list, not on it: an <ol> given role="log" is no
  // longer a list, and its items would be orphans (axe: listitem).
  // Focusable, so the thread scrolls from the keyboard too (WCAG 2.1.1).
  const list = h('ol', { class: 'thread', tabindex: '0' });
  const log = h('div', { role: 'log', 'aria-live': 'polite', 'aria-label': label }, list);
  const advice = h('div', { class: 'advice' });
  const body = h('textarea', { name: 'body', id: `msg-${uuid().slice(0, 8)}`, rows: '3', maxlength: String(MAX), required: true });
  const count = h('p', { class: 'hint', 'aria-live': 'polite' }, `0 / ${MAX}`);
  const button = h('button', { type: 'submit' }, 'Send');
  const form = h('form', { class: 'msg-form', novalidate: true },
    h('label', { for: body.id }, 'Message'), body, count, status, button);
  const panel = h('section', { class: 'card thread-card' }, log, advice, form);
  let shown = [];

  async function draw() {
    const waiting = (await queued(path).catch(() => [])).map((item) => ({
      ...item.body, waiting: true, created_at: new Date(item.created).toISOString(),
    }));
    const all = [...shown, ...waiting];
    list.replaceChildren(...(all.length ? all.map((m) => bubble(m, { mine: m.waiting || isMine(m), otherName }))
      : [h('li', { class: 'hint empty' }, 'No messages yet. Write the first one below.')]));
    list.scrollTop = list.scrollHeight;
  }

  async function refresh() {
    try {
      shown = await api(path);
    } catch (error) {
      if (!shown.length) say(status, error.message, 'error');
    }
    await draw();
    const unread = shown.filter((m) => !isMine(m) && !m.read_at);
    for (const message of unread) {
      try {
        Object.assign(message, await api(`/messages/${message.id}/read`, { method: 'POST' }));
      } catch { /* offline: marked next time */ }
    }
    if (unread.length) changed();
  }

  body.addEventListener('input', () => { count.textContent = `${body.value.length} / ${MAX}`; });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = body.value.trim();
    if (!text) {
      say(status, 'Write something first.', 'error');
      body.focus();
      return;
    }
    button.disabled = true;
    say(status, '');
    const message = { body: text, client_id: uuid() };
    try {
      const result = await submit(message.client_id, path, message, 'Message');
      body.value = '';
      count.textContent = `0 / ${MAX}`;
      if (result.queued) {
        say(status, 'Saved on this device. It will be sent when you are back online.', 'ok');
        if (checkRedFlags) showAdvice(advice, offlineAdvice(text));
      } else {
        shown.push(result.data);
        showAdvice(advice, result.data.advice);
      }
      await draw();
    } catch (error) {
      say(status, error.errors?.body ? error.errors.body.join(' ') : error.message, 'error');
    }
    button.disabled = false;
  });

  // New messages while the thread is open: a poll while the page is visible,
  // at once after a push or when the queue has sent something.
  const timer = setInterval(() => {
    if (!panel.isConnected) return stop();
    if (document.visibilityState === 'visible') refresh();
  }, POLL_MS);
  const onPush = (event) => { if (event.data?.type === 'push') refresh(); };
  const onSynced = (event) => { if (event.detail.item.path === path) refresh(); };
  function stop() {
    clearInterval(timer);
    navigator.serviceWorker?.removeEventListener('message', onPush);
    window.removeEventListener('synced', onSynced);
  }
  navigator.serviceWorker?.addEventListener('message', onPush);
  window.addEventListener('synced', onSynced);
  if (checkRedFlags) loadChecklist();
  refresh();
  return panel;
}

// ---- the screens --------------------------------------------------------------

async function patientScreen(screen, user) {
  screen.append(heading('Messages'),
    h('p', { class: 'lead' }, 'Write to your therapist about your exercises and how you are doing. '
      + 'For anything urgent, do not wait for a reply: call your doctor or local emergency number.'),
    threadPanel({
      path: '/me/messages',
      isMine: (m) => m.from_patient,
      otherName: 'Your therapist',
      label: 'Messages with your therapist',
      checkRedFlags: true,
    }));
  return user;
}

async function therapistThread(screen, id) {
  const status = statusLine();
  screen.append(h('p', {}, h('a', { href: '#/messages' }, '← All messages')), status);
  let patient;
  try {
    patient = await api(`/patients/${id}`);
  } catch (error) {
    screen.append(heading('Messages'));
    say(status, error.message, 'error');
    return;
  }
  screen.append(heading(`Messages with ${patient.name}`),
    h('p', { class: 'lead' }, h('a', { href: `#/patients/${patient.id}` }, `${patient.name}'s page`)),
    therapistPanel(patient));
}

/** The thread with one patient, for the therapist (also on the patient page). */
export function therapistPanel(patient) {
  return threadPanel({
    path: `/patients/${patient.id}/messages`,
    isMine: (m) => !m.from_patient,
    otherName: patient.name,
    label: `Messages with ${patient.name}`,
  });
}

async function threadList(screen) {
  const status = statusLine();
  screen.append(heading('Messages'), status);
  let patients;
  try {
    patients = await api('/patients');
  } catch (error) {
    say(status, error.message, 'error');
    return;
  }
  const last = (p) => p.last_message?.created_at || '';
  patients.sort((a, b) => b.unread_messages - a.unread_messages || last(b).localeCompare(last(a)) || a.name.localeCompare(b.name));
  const item = (p) => h('li', { class: p.unread_messages ? 'unread' : null },
    h('a', { href: `#/messages/${p.id}`, class: 'thread-link' },
      h('strong', {}, p.name),
      p.unread_messages ? h('span', { class: 'badge', 'aria-label': `${p.unread_messages} unread` }, String(p.unread_messages)) : null,
      h('span', { class: 'sub' }, p.last_message
        ? `${p.last_message.from_patient ? '' : 'You: '}${p.last_message.body}` : 'No messages yet'),
      p.last_message ? h('time', { class: 'when', datetime: p.last_message.created_at }, formatTime(p.last_message.created_at)) : null));
  screen.append(patients.length
    ? h('ul', { class: 'card threads', 'aria-label': 'Threads with your patients' }, patients.map(item))
    : h('p', { class: 'card' }, 'No patients yet. Invite one from Patients.'));
}

export async function render(screen, params, { user }) {
  if (user.role === 'patient') return patientScreen(screen, user);
  if (params.id) return therapistThread(screen, params.id);
  return threadList(screen);
}
