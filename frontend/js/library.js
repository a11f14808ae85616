// The therapist's library: the built-in exercises and programs (programs/), the
// clinic's shared ones and their own, to search, read, and (their own, or the
// clinic's they wrote or administer) create, edit, archive and share with the
// clinic. Files (YAML) in and out sit under an "Import / export" menu.
// #/library/exercises, #/library/programs/<slug>, #/library/exercises/new,
// #/library/programs/<slug>/edit.
import { api, auth } from './api.js';
import { CATEGORY, exerciseText, filterBar, loadExercises, ownerBadge, regionWords, sharesWithClinic, thumbTile } from './catalogue.js';
import { exerciseForm, programForm } from './library-forms.js';
import { doseLine, weeksText } from './plan-view.js';
import { h, heading, say, sourceLine, statusLine } from './ui.js';

const KINDS = { exercises: 'Exercises', programs: 'Programs' };
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const SHOW = { all: 'All', clinic: 'Clinic', me: 'Mine', library: 'Built-in', archived: 'Archived' };

export async function render(screen, { kind = 'exercises', slug, action, from }, { go }) {
  if (!KINDS[kind]) kind = 'exercises';
  if (slug === 'new') return editScreen(screen, kind, null, go, from);
  if (slug && action === 'edit') return editScreen(screen, kind, slug, go);
  if (slug) return viewScreen(screen, kind, slug, go);
  return listScreen(screen, kind, go);
}

async function listScreen(screen, kind, go) {
  const status = statusLine();
  const single = kind === 'exercises' ? 'exercise' : 'program';
  const shared = await sharesWithClinic();
  screen.append(
    h('div', { class: 'title-row' }, heading('Library'),
      h('div', { class: 'actions' }, h('a', { class: 'button', href: `#/library/${kind}/new` }, `New ${single}`),
        ioMenu(uploadButton(kind, status, go, shared), h('p', { class: 'hint' }, `To download one ${single} as a file, open it.`)))),
    h('nav', { class: 'tabs', 'aria-label': 'Library' }, Object.entries(KINDS).map(([k, label]) => h('a', {
      href: `#/library/${k}`, 'aria-current': k === kind ? 'page' : null,
    }, label))),
    status);
  const list = h('ul', { class: 'lib-list' }, h('li', {}, 'Loading…'));
  const count = h('p', { class: 'hint', role: 'status' });
  const show = h('select', { name: 'show' }, Object.entries(SHOW)
    .filter(([v]) => shared || v !== 'clinic').map(([v, l]) => h('option', { value: v }, l)));
  let items = [];
  let archived = null;
  const draw = async () => {
    if (show.value === 'archived' && !archived) {
      try {
        archived = await api(`/${kind}?archived=true`);
      } catch (error) {
        return say(status, error.message, 'error');
      }
    }
    const pool = show.value === 'archived' ? archived : items;
    const shown = pool.filter((item) => filters.test(item)
      && (show.value === 'all' || show.value === 'archived' || item.owner === show.value));
    count.textContent = `${shown.length} ${kind} shown`;
    list.replaceChildren(...(shown.length ? shown.map((item) => listItem(kind, item))
      : [h('li', { class: 'card' }, 'Nothing matches. Try fewer words or another filter.')]));
  };
  const filters = filterBar(draw, { categories: kind === 'exercises' });
  show.addEventListener('input', draw);
  const showId = 'lib-show';
  show.id = showId;
  filters.bar.append(h('div', { class: 'field' }, h('label', { for: showId }, 'Show'), show));
  screen.append(h('div', { class: 'card' }, filters.bar), count, list);
  try {
    items = kind === 'exercises' ? await loadExercises(true) : await api('/programs');
  } catch (error) {
    say(status, error.message, 'error');
    return;
  }
  draw();
}

function listItem(kind, item) {
  const name = item.name || item.title;
  const about = kind === 'exercises'
    ? `${CATEGORY[item.category] || item.category} · ${regionWords(item.regions)}`
    : `${item.weeks} weeks · ${regionWords(item.regions)}`;
  const text = [
    h('div', { class: 'lib-head' },
      h('h2', {}, h('a', { href: `#/library/${kind}/${item.slug}` }, name)), ownerBadge(item),
      item.archived ? h('span', { class: 'owner archived' }, 'Archived') : null),
    h('p', { class: 'sub' }, about),
    item.summary ? h('p', { class: 'lib-summary' }, item.summary) : null];
  return h('li', { class: 'card lib-item' },
    kind === 'exercises' ? h('div', { class: 'with-thumb' }, thumbTile(item), h('div', {}, text)) : text);
}

/** The "Import / export" menu: file actions kept out of the way of the main ones. */
function ioMenu(...items) {
  return h('details', { class: 'io-menu' }, h('summary', { class: 'button secondary' }, 'Import / export'),
    h('div', { class: 'io-panel' }, ...items));
}

/** Fetches the YAML with the user's token and hands it to the browser as a file. */
async function downloadYaml(kind, slug, status) {
  let text;
  try {
    text = await api(`/${kind}/${slug}.yaml`, { text: true });
  } catch (error) {
    say(status, error.message, 'error');
    return;
  }
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const link = h('a', { href: url, download: `${slug}.yaml`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
  say(status, 'Downloaded the file.', 'ok');
}

function uploadButton(kind, status, go, shared) {
  const input = h('input', { type: 'file', id: `upload-${kind}`, class: 'sr-only', accept: '.yaml,.yml,application/yaml,text/yaml,text/plain' });
  const label = h('label', { for: input.id, class: 'button secondary upload' }, 'Upload a YAML file');
  const owner = h('select', { name: 'owner', id: `upload-owner-${kind}` },
    h('option', { value: 'me' }, 'Only me'), h('option', { value: 'clinic' }, 'The clinic'));
  input.addEventListener('change', async () => {
    const file = input.files[0];
    if (!file) return;
    say(status, `Checking ${file.name}…`, 'info');
    try {
      const made = await api(`/${kind}/import?owner=${owner.value}`, { method: 'POST', body: await file.text(), type: 'application/yaml' });
      go(`library/${kind}/${made.slug}`);
    } catch (error) {
      showProblems(status, file.name, error);
    }
    input.value = '';
  });
  return h('span', {}, shared ? h('div', { class: 'field' }, h('label', { for: owner.id }, 'Who can use it'), owner) : null, input, label);
}

/** A rejected file: each problem with its line and field, in line order. */
function showProblems(status, fileName, error) {
  const problems = error.problems?.length ? error.problems
    : Object.entries(error.errors || {}).map(([field, messages]) => ({ field, message: [messages].flat().join(' ') }));
  if (!problems.length) return say(status, error.message, 'error');
  say(status, `${fileName} was not saved, nothing was stored. Please fix:`, 'error');
  status.append(h('ul', { class: 'problems' }, problems.map((p) => h('li', {},
    p.line ? h('strong', {}, `Line ${p.line}`) : null, p.line ? ', ' : '',
    h('code', {}, p.field), `: ${p.message}`))));
}

async function viewScreen(screen, kind, slug, go) {
  const status = statusLine();
  screen.append(h('p', {}, h('a', { href: `#/library/${kind}` }, `← ${KINDS[kind]}`)), status);
  let item;
  try {
    item = await api(`/${kind}/${slug}`);
  } catch (error) {
    screen.append(heading('Library'));
    say(status, error.message, 'error');
    return;
  }
  const name = item.name || item.title;
  const download = h('button', { type: 'button', class: 'secondary' }, 'Download as a YAML file');
  download.addEventListener('click', () => downloadYaml(kind, slug, status));
  const editable = (item.editable ?? item.owner === 'me') && !item.archived;
  const shared = item.owner === 'me' && !item.archived && await sharesWithClinic();
  const archive = editable ? h('button', { type: 'button', class: 'danger' }, 'Archive') : null;
  archive?.addEventListener('click', async () => {
    if (!confirm(`Archive ${name}? Plans that use it keep it; it can no longer be added.`)) return;
    try {
      await api(`/${kind}/${slug}`, { method: 'DELETE' });
      go(`library/${kind}`);
    } catch (error) {
      say(status, error.message, 'error');
    }
  });
  const share = shared ? h('button', { type: 'button', class: 'secondary' }, 'Share with the clinic') : null;
  share?.addEventListener('click', async () => {
    if (!confirm(`Share ${name} with the clinic? Everyone in the clinic can then see and use it; you and the clinic's admins can change it. It cannot be made yours alone again.`)) return;
    share.disabled = true;
    try {
      await api(`/${kind}/${slug}`, { method: 'PATCH', body: { owner: 'clinic' } });
      screen.replaceChildren();
      await viewScreen(screen, kind, slug, go);
      say(screen.querySelector('p.status'), `${name} is now shared with the clinic.`, 'ok');
    } catch (error) {
      share.disabled = false;
      say(status, error.message, 'error');
    }
  });
  screen.append(...[
    h('div', { class: 'lib-head' }, heading(name), ownerBadge(item), item.archived ? h('span', { class: 'owner archived' }, 'Archived') : null),
    h('p', { class: 'lead' }, `Version ${item.version ?? 1}`),
    h('div', { class: 'actions view-actions' }, editable ? h('a', { class: 'button', href: `#/library/${kind}/${slug}/edit` }, 'Edit') : null, archive, share,
      h('a', { class: 'button secondary', href: `#/library/${kind}/new?from=${encodeURIComponent(slug)}` }, 'Make a copy'),
      ioMenu(download)),
    whose(item),
    h('div', { class: 'card' }, kind === 'exercises' ? exerciseText(item) : programText(item))].filter(Boolean));
}

/** A line on whose an item is and who may change it. */
function whose(item) {
  if (item.owner === 'library') return h('p', { class: 'hint' }, 'Built-in items cannot be changed. Make a copy of your own to change it.');
  if (item.owner !== 'clinic') return null;
  const you = item.author && item.author.id === auth.user?.id;
  const by = item.author ? ` by ${you ? 'you' : item.author.name}` : '';
  return h('p', { class: 'hint' }, item.editable
    ? `Shared with the clinic${by}: everyone in the clinic can see and use it.`
    : `Shared with the clinic${by}. Only its author and the clinic's admins can change it; make a copy to change it for yourself.`);
}

function programText(p) {
  return h('div', { class: 'ex-text' },
    h('p', { class: 'sub' }, `${p.weeks} weeks · ${regionWords(p.regions)} · ${(p.days_of_week || []).map((d) => DAYS[d]).join(', ')} · ${p.sessions_per_day || 1} a day`),
    h('p', {}, p.summary),
    p.advice?.length ? [h('h3', {}, 'Advice'), h('ul', {}, p.advice.map((t) => h('li', {}, t)))] : null,
    (p.sessions || []).map((phase) => h('div', { class: 'rx-phase' },
      h('h3', {}, `${phase.name} `, h('span', { class: 'sub inline' }, weeksText(phase.weeks))),
      phase.focus ? h('p', { class: 'hint' }, phase.focus) : null,
      h('ol', { class: 'rx-lines' }, phase.exercises.map((ex) => h('li', {},
        h('a', { href: `#/library/exercises/${ex.slug}` }, ex.name), ' ',
        h('span', { class: 'dose-inline' }, doseLine({ ...ex.dosage })),
        ex.note ? h('span', { class: 'sub' }, `Note: ${ex.note}`) : null))))),
    p.sources?.length ? h('p', { class: 'hint' }, sourceLine(p.sources)) : null);
}

async function editScreen(screen, kind, slug, go, from) {
  const status = statusLine();
  const single = kind === 'exercises' ? 'exercise' : 'program';
  screen.append(h('p', {}, h('a', { href: slug ? `#/library/${kind}/${slug}` : `#/library/${kind}` }, '← Back')),
    heading(slug ? `Edit ${single}` : `New ${single}`), status);
  let item = null;
  let copy = null;
  try {
    item = slug ? await api(`/${kind}/${slug}`) : null;
    copy = from ? await api(`/${kind}/${encodeURIComponent(from)}`) : null;
  } catch (error) {
    say(status, error.message, 'error');
    return;
  }
  if (item) screen.querySelector('h1').textContent = `Edit ${item.name || item.title}`;
  if (copy) screen.querySelector('h1').textContent = `New ${single}, a copy of ${copy.name || copy.title}`;
  const done = (saved) => go(`library/${kind}/${saved.slug}`);
  const shared = !item && await sharesWithClinic();
  screen.append(await (kind === 'exercises' ? exerciseForm(item, done, copy, shared) : programForm(item, done, copy, shared)));
}
