// The Clinic screen (#/clinic): the practice's name and its members with their
// role and patients. Admins rename the clinic, invite therapists (a link and a
// code, like a patient invite), withdraw open invites, change a member's role or
// whether they treat patients, and remove a member, handing their patients over
// to a colleague in the same step. Other members see the list as it is.
import { api, apiBlob, auth, saveBlob } from './api.js';
import { inviteCard } from './invite.js';
import { clearErrors, field, formatTime, h, heading, isoDay, nextId, say, showError, statusLine } from './ui.js';

const ROLE_WORD = { admin: 'Admin', therapist: 'Therapist' };
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Admin · treats patients", "Admin, does not treat patients", "Therapist". */
export function roleWords(member) {
  if (member.role === 'admin') return member.treats_patients ? 'Admin, treats patients' : 'Admin, does not treat patients';
  return ROLE_WORD[member.role] || member.role;
}

/** "Leads 3 patients · on 2 other care teams" */
function countWords(member) {
  if (!member.treats_patients && !member.lead_count && !member.team_count) return 'No patients';
  const parts = [member.lead_count ? `Leads ${plural(member.lead_count, 'patient')}` : 'Leads no patients'];
  if (member.team_count) parts.push(`on ${plural(member.team_count, 'other care team')}`);
  return parts.join(' · ');
}

export async function render(screen, params, { user }) {
  const status = statusLine();
  const head = h('p', { class: 'lead' }, 'Loading…');
  screen.append(heading('Clinic'), head, status);
  let clinic;
  let members;
  try {
    [clinic, members] = await Promise.all([api('/clinic'), api('/clinic/members')]);
  } catch (error) {
    head.textContent = '';
    say(status, error.message, 'error');
    return;
  }
  const admin = clinic.my_role === 'admin';
  const ctx = { clinic, members, admin, me: user.id, status, head };
  const list = h('section', { class: 'card members', 'aria-labelledby': 'members-h' });
  ctx.list = list;
  drawHead(ctx);
  drawMembers(ctx);
  if (!admin) {
    screen.append(list, h('p', { class: 'hint narrow' }, 'Only the clinic\'s admins change its members and their roles.'));
    return;
  }
  const invites = h('section', { class: 'card', 'aria-labelledby': 'invites-h' });
  ctx.invites = invites;
  drawInvites(ctx);
  screen.append(h('div', { class: 'columns' },
    h('div', {}, list),
    h('div', {}, inviteForm(ctx), invites, renameForm(ctx))), accessLogCard(ctx));
}

function drawHead(ctx) {
  const { clinic, admin } = ctx;
  ctx.head.textContent = `${clinic.name} · ${plural(ctx.members.length, 'member')} · You are ${admin ? 'an admin' : 'a therapist'} here.`;
}

async function reload(ctx) {
  try {
    [ctx.clinic, ctx.members] = await Promise.all([api('/clinic'), api('/clinic/members')]);
  } catch (error) {
    say(ctx.status, error.message, 'error');
    return;
  }
  drawHead(ctx);
  drawMembers(ctx);
}

function drawMembers(ctx) {
  const { members, admin } = ctx;
  ctx.list.replaceChildren(
    h('h2', { id: 'members-h', tabindex: '-1' }, 'Members'),
    h('ul', { class: 'member-list' }, members.map((m) => memberItem(ctx, m, admin))));
}

function memberItem(ctx, member, admin) {
  const mine = member.id === ctx.me;
  const item = h('li', { class: 'member' },
    h('div', { class: 'member-about' },
      h('strong', { class: 'member-name' }, member.name, mine ? ' (you)' : ''),
      h('span', { class: 'sub' }, member.email),
      h('span', { class: 'member-role' }, roleWords(member)),
      h('span', { class: 'sub' }, countWords(member))));
  if (!admin) return item;
  const status = statusLine();
  const panel = h('div', { class: 'member-panel' });
  const change = h('button', { type: 'button', class: 'secondary small', 'aria-expanded': 'false' }, 'Change role');
  change.setAttribute('aria-label', `Change role of ${member.name}`);
  const remove = h('button', { type: 'button', class: 'danger small', 'aria-expanded': 'false' }, 'Remove');
  remove.setAttribute('aria-label', `Remove ${member.name} from the clinic`);
  const open = (which, draw) => {
    const opening = which.getAttribute('aria-expanded') !== 'true';
    change.setAttribute('aria-expanded', 'false');
    remove.setAttribute('aria-expanded', 'false');
    panel.replaceChildren();
    say(status, '');
    if (!opening) return;
    which.setAttribute('aria-expanded', 'true');
    panel.append(draw());
    panel.querySelector('select, input, button')?.focus();
  };
  const close = (focus) => {
    change.setAttribute('aria-expanded', 'false');
    remove.setAttribute('aria-expanded', 'false');
    panel.replaceChildren();
    focus?.focus();
  };
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close(change.getAttribute('aria-expanded') === 'true' ? change : remove);
  });
  change.addEventListener('click', () => open(change, () => roleForm(ctx, member, status, () => close(change))));
  remove.addEventListener('click', () => open(remove, () => removeBox(ctx, member, status, () => close(remove))));
  item.append(h('div', { class: 'actions member-actions' }, change, remove), status, panel);
  return item;
}

function roleForm(ctx, member, status, close) {
  const id = nextId('role');
  const role = h('select', { name: 'role', id }, Object.entries(ROLE_WORD).map(([value, label]) => h('option', { value, selected: member.role === value }, label)));
  const treats = h('input', { type: 'checkbox', name: 'treats_patients', id: `${id}-treats`, class: 'tick', checked: member.treats_patients });
  const treatsErr = h('p', { class: 'field-error', id: `${id}-treats-err`, hidden: true });
  treats.setAttribute('aria-describedby', `${id}-treats-hint ${treatsErr.id}`);
  const sync = () => {
    // Only an admin may manage without treating patients.
    if (role.value === 'therapist') treats.checked = true;
    treats.disabled = role.value === 'therapist';
  };
  role.addEventListener('change', sync);
  sync();
  const save = h('button', { type: 'submit' }, 'Save role');
  const form = h('form', { class: 'member-form', novalidate: true, 'aria-label': `Role of ${member.name}` },
    field('Role', role, 'Admins manage the members, the invites and the clinic\'s shared library.'),
    h('div', { class: 'tick-row' }, treats, h('label', { for: treats.id }, 'Treats patients')),
    h('p', { class: 'hint', id: `${id}-treats-hint` }, 'Untick for someone who runs the clinic without seeing patients: they see the members and the access log, never a patient\'s record.'),
    treatsErr,
    h('div', { class: 'actions' }, save, h('button', { type: 'button', class: 'secondary', onclick: close }, 'Cancel')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    save.disabled = true;
    try {
      const updated = await api(`/clinic/members/${member.id}`, {
        method: 'PATCH', body: { role: role.value, treats_patients: treats.checked },
      });
      if (updated.id === ctx.me) await refreshMe();
      await reload(ctx);
      say(ctx.status, `${updated.name} is now: ${roleWords(updated)}.`, 'ok');
      ctx.list.querySelector(`[aria-label="Change role of ${CSS.escape(updated.name)}"]`)?.focus();
      if (updated.id === ctx.me && updated.role !== 'admin') location.reload();
    } catch (error) {
      showError(form, status, error);
      save.disabled = false;
    }
  });
  return form;
}

function removeBox(ctx, member, status, close) {
  const others = ctx.members.filter((m) => m.id !== member.id && m.treats_patients);
  const leads = member.lead_count || 0;
  const id = nextId('handover');
  const handOver = h('select', { name: 'hand_over_to', id },
    h('option', { value: '' }, 'Choose a colleague'),
    others.map((m) => h('option', { value: String(m.id) }, m.name)));
  const form = h('form', { class: 'confirm member-form', novalidate: true, 'aria-labelledby': `${id}-title` });
  const yes = h('button', { type: 'submit', class: 'danger' }, `Yes, remove ${member.name}`);
  const mine = member.id === ctx.me;
  const who = mine ? 'You' : member.name;
  form.append(
    h('p', { id: `${id}-title` }, h('strong', {}, mine ? `Leave ${ctx.clinic.name}?` : `Remove ${member.name} from ${ctx.clinic.name}?`)),
    h('p', {}, `${who} keep${mine ? '' : 's'} ${mine ? 'your' : 'their'} account and can still sign in, working alone in a practice of ${mine ? 'your' : 'their'} own. `,
      member.team_count ? `${mine ? 'You leave' : 'They leave'} the ${plural(member.team_count, 'other care team')} ${mine ? 'you are' : 'they are'} on. ` : '',
      leads ? `${mine ? 'You lead' : 'They lead'} ${plural(leads, 'patient')}: choose who takes over. Each patient is told who now leads their care.` : `${mine ? 'You lead' : 'They lead'} no patients.`),
    leads ? field(`Hand ${mine ? 'your' : 'their'} ${plural(leads, 'patient')} over to`, handOver,
      others.length ? null : 'No other member treats patients: let someone treat patients first.') : null,
    h('input', { type: 'hidden', name: 'member', id: `${id}-member` }),
    h('p', { class: 'field-error', id: `${id}-member-err`, hidden: true }),
    h('div', { class: 'actions' }, yes, h('button', { type: 'button', class: 'secondary', onclick: close }, 'Cancel')));
  handOver.addEventListener('change', () => {
    clearErrors(form);
    say(status, '');
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {};
    if (leads) {
      if (!handOver.value) {
        showError(form, status, { status: 422, errors: { hand_over_to: ['Choose who takes over their patients.'] } });
        return;
      }
      body.hand_over_to = Number(handOver.value);
    }
    yes.disabled = true;
    try {
      await api(`/clinic/members/${member.id}`, { method: 'DELETE', body });
    } catch (error) {
      showError(form, status, error);
      yes.disabled = false;
      return;
    }
    const to = others.find((m) => String(m.id) === handOver.value);
    if (mine) {
      await refreshMe();
      location.reload();
      return;
    }
    await reload(ctx);
    say(ctx.status, `${member.name} was removed.${to ? ` ${to.name} now leads ${plural(leads, 'patient')} of theirs.` : ''}`, 'ok');
    ctx.status.scrollIntoView({ block: 'nearest' });
    ctx.list.querySelector('h2').focus({ preventScroll: true });
  });
  return form;
}

async function refreshMe() {
  try { auth.setUser(await api('/me')); } catch { /* the next check does it */ }
}

function renameForm(ctx) {
  const name = h('input', { name: 'name', required: true, maxlength: '120', autocomplete: 'organization', value: ctx.clinic.name });
  const status = statusLine();
  const save = h('button', { type: 'submit', class: 'secondary' }, 'Rename clinic');
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'rename-h' },
    h('h2', { id: 'rename-h' }, 'Clinic name'),
    field('Name', name, 'Shown to your colleagues and in invites.'),
    status, save);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (!name.value.trim()) {
      showError(form, status, { status: 422, errors: { name: ['Give the clinic a name.'] } });
      return;
    }
    save.disabled = true;
    try {
      ctx.clinic = await api('/clinic', { method: 'PATCH', body: { name: name.value.trim() } });
      drawHead(ctx);
      say(status, 'Saved.', 'ok');
      refreshMe();
    } catch (error) {
      showError(form, status, error);
    }
    save.disabled = false;
  });
  return form;
}

function inviteForm(ctx) {
  const name = h('input', { name: 'name', autocomplete: 'off', maxlength: '120' });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'off' });
  const role = h('select', { name: 'role' }, h('option', { value: 'therapist' }, 'Therapist'), h('option', { value: 'admin' }, 'Admin'));
  const status = statusLine();
  const result = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, 'Create invite');
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'invite-h' },
    h('h2', { id: 'invite-h' }, 'Invite a therapist'),
    h('p', { class: 'hint' }, 'A code lets one colleague join this clinic, once. Name and email are optional and fill in their form.'),
    field('Their name (optional)', name),
    field('Their email (optional)', email),
    field('Role', role, 'Admins also manage the members and the invites.'),
    status, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = { role: role.value };
    if (name.value.trim()) body.name = name.value.trim();
    if (email.value.trim()) body.email = email.value.trim();
    button.disabled = true;
    try {
      const invite = await api('/clinic/invites', { method: 'POST', body });
      say(status, '');
      result.replaceChildren(inviteCard(invite, {
        link: joinLink(invite),
        title: invite.name ? `Invite for ${invite.name}` : 'Invite created',
        scan: `Send the link to your colleague, or let them scan the code; they join ${ctx.clinic.name} as ${invite.role === 'admin' ? 'an admin' : 'a therapist'}.`,
      }));
      result.scrollIntoView({ block: 'nearest' });
      form.reset();
      drawInvites(ctx);
    } catch (error) {
      showError(form, status, error);
    }
    button.disabled = false;
  });
  return h('div', {}, form, result);
}

/** The join screen's link, with the name and email typed to fill its form in:
 * the server's (under its public address) when it sent one. */
function joinLink(invite) {
  if (invite.url) return invite.url;
  const query = new URLSearchParams();
  if (invite.name) query.set('name', invite.name);
  if (invite.email) query.set('email', invite.email);
  const tail = query.toString() ? `?${query}` : '';
  return `${location.origin}/#/join/${encodeURIComponent(invite.code)}${tail}`;
}

async function drawInvites(ctx) {
  const box = ctx.invites;
  const status = statusLine();
  let open;
  try {
    open = await api('/clinic/invites');
  } catch (error) {
    box.replaceChildren(h('h2', { id: 'invites-h', tabindex: '-1' }, 'Open invites'), status);
    say(status, error.message, 'error');
    return;
  }
  box.replaceChildren(h('h2', { id: 'invites-h', tabindex: '-1' }, 'Open invites'),
    open.length ? h('ul', { class: 'member-list' }, open.map((invite) => {
      const who = invite.name || invite.email || 'no name given';
      const withdraw = h('button', { type: 'button', class: 'danger small' }, 'Withdraw');
      withdraw.setAttribute('aria-label', `Withdraw the invite for ${who}`);
      withdraw.addEventListener('click', async () => {
        withdraw.disabled = true;
        try {
          await api(`/clinic/invites/${invite.id}`, { method: 'DELETE' });
          await drawInvites(ctx);
          say(ctx.status, `The invite for ${who} was withdrawn: its link no longer works.`, 'ok');
          box.querySelector('h2').focus();
        } catch (error) {
          say(status, error.message, 'error');
          withdraw.disabled = false;
        }
      });
      return h('li', { class: 'member invite-row' },
        h('div', { class: 'member-about' },
          h('strong', {}, invite.name || invite.email || 'Invite'),
          invite.name && invite.email ? h('span', { class: 'sub' }, invite.email) : null,
          h('span', { class: 'sub' }, `${ROLE_WORD[invite.role] || invite.role} · valid until ${formatTime(invite.expires_at)}`)),
        h('div', { class: 'actions member-actions' }, withdraw));
    })) : h('p', {}, 'No open invites.'),
    status);
}

const KIND_WORD = {
  view: (p) => `viewed ${p}'s record`,
  export: (p) => `downloaded ${p}'s progress report as a PDF`,
  report: (p) => `opened ${p}'s progress report`,
  fhir: (p) => `exported ${p}'s record for a doctor or hospital (FHIR)`,
  change: (p) => `changed ${p}'s record`,
};

/** The admin's record of who opened which patient's record: the latest, and
 * the whole log as a CSV file for a date range. */
function accessLogCard(ctx) {
  const from = h('input', { type: 'date', name: 'from', value: isoDayBefore(30) });
  const to = h('input', { type: 'date', name: 'to', value: isoDay() });
  const status = statusLine();
  const list = h('ul', { class: 'entries access-entries', 'aria-label': 'Latest record openings' });
  const show = h('button', { type: 'submit', class: 'secondary' }, 'Show');
  const download = h('button', { type: 'button', class: 'secondary' }, 'Download CSV');
  const query = () => new URLSearchParams({ ...(from.value ? { from: from.value } : {}), ...(to.value ? { to: to.value } : {}) });
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'log-h' },
    h('h2', { id: 'log-h' }, 'Who opened which record'),
    h('p', { class: 'hint' }, 'Each therapist\'s view or change of a patient\'s record, once per 10 minutes. Newest first.'),
    h('div', { class: 'pair dates' }, field('From', from), field('To', to)),
    h('div', { class: 'actions' }, show, download), status, list);
  const load = async () => {
    clearErrors(form);
    try {
      const rows = await api(`/clinic/access-log?${query()}`);
      say(status, rows.length > 20 ? `The latest 20 of ${rows.length}; download the CSV for all of them.` : '');
      list.replaceChildren(...(rows.length ? rows.slice(0, 20).map((r) => h('li', {},
        h('span', {}, `${r.therapist_name || 'A former member'} ${(KIND_WORD[r.kind] || ((p) => `opened ${p}'s record (${r.kind})`))(r.patient_name || 'a deleted patient')}`),
        h('span', { class: 'when' }, formatTime(r.at)))) : [h('li', {}, 'Nothing in these dates.')]));
    } catch (error) {
      showError(form, status, error);
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  download.addEventListener('click', async () => {
    download.disabled = true;
    try {
      const params = query();
      params.set('format', 'csv');
      saveBlob(await apiBlob(`/clinic/access-log?${params}`), `access-log-${from.value || 'start'}-to-${to.value || isoDay()}.csv`);
      say(status, 'Downloaded.', 'ok');
    } catch (error) {
      say(status, error.message, 'error');
    }
    download.disabled = false;
  });
  load();
  return form;
}

function isoDayBefore(days) {
  const d = new Date();
  d.setDate(d.getDate() - days);
  return isoDay(d);
}
