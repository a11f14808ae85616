// The care team on a therapist's patient page (#/patients/7/team): the lead and
// the other therapists of the clinic who see and act on this patient's record.
// The lead adds a treating colleague, removes one, or hands the lead over;
// everyone else sees the team and may leave it.
import { api, auth } from './api.js';
import { flashNext, go } from './app.js';
import { leadFigure } from './patient-head.js';
import { clearErrors, field, formatDay, h, nextId, say, showError, statusLine } from './ui.js';

/** "Lead: Dr X" or "You lead", for lists and the summary band. */
export const leadWords = (lead, me) => (!lead ? 'No lead' : lead.id === me ? 'You lead' : `Lead: ${lead.name}`);

export function careTeamSection(patient) {
  const box = h('section', { class: 'card care-team', 'aria-labelledby': 'team-h' });
  const side = h('div', { class: 'care-team-side' });
  const status = statusLine();
  const ctx = { patient, box, side, status, me: auth.user?.id };
  const start = patient.care_team ? Promise.resolve(patient.care_team) : api(`/patients/${patient.id}/care-team`);
  box.append(h('h2', { id: 'team-h', tabindex: '-1' }, 'Care team'), h('p', {}, 'Loading…'));
  start.then((team) => draw(ctx, team), (error) => {
    box.replaceChildren(h('h2', { id: 'team-h' }, 'Care team'), status);
    say(status, error.message, 'error');
  });
  return [h('div', { class: 'columns even' }, box, side)];
}

async function refresh(ctx, message) {
  let team;
  try {
    team = await api(`/patients/${ctx.patient.id}/care-team`);
  } catch (error) {
    say(ctx.status, error.message, 'error');
    return;
  }
  draw(ctx, team);
  // The summary band above says who leads, and how many are on the team.
  const figure = leadFigure({ ...ctx.patient, care_team: team });
  if (figure) document.querySelector('.summary-band .lead-figure')?.replaceWith(figure);
  if (message) say(ctx.status, message, 'ok');
  ctx.box.querySelector('h2').focus();
}

function draw(ctx, team) {
  const { patient, me } = ctx;
  const lead = team.lead?.id === me;
  ctx.team = team;
  const first = patient.name.split(' ')[0];
  ctx.box.replaceChildren(
    h('h2', { id: 'team-h', tabindex: '-1' }, 'Care team'),
    h('p', { class: 'hint' }, `Everyone on ${first}'s care team sees their record and may act on it. `,
      lead ? 'You lead: you decide who is on the team.' : `${team.lead ? team.lead.name : 'The lead'} leads and decides who is on the team.`),
    ctx.status,
    h('ul', { class: 'member-list team-list' }, team.members.map((m) => memberItem(ctx, m, lead))));
  ctx.side.replaceChildren(lead ? addForm(ctx) : leaveBox(ctx));
}

function memberItem(ctx, member, iLead) {
  const mine = member.id === ctx.me;
  const added = member.lead ? 'Leads the care' : [
    member.added_at ? `Added ${formatDay(member.added_at.slice(0, 10))}` : 'On the team',
    member.added_by ? ` by ${member.added_by.id === ctx.me ? 'you' : member.added_by.name}` : ''].join('');
  const item = h('li', { class: `member${member.lead ? ' is-lead' : ''}` },
    h('div', { class: 'member-about' },
      h('strong', { class: 'member-name' }, member.name, mine ? ' (you)' : '', member.lead ? h('span', { class: 'lead-tag' }, 'Lead') : null),
      h('span', { class: 'sub' }, added)));
  if (!iLead || member.lead) return item;
  const panel = h('div', { class: 'member-panel' });
  const status = statusLine();
  const makeLead = h('button', { type: 'button', class: 'secondary small', 'aria-expanded': 'false' }, 'Make lead');
  makeLead.setAttribute('aria-label', `Make lead: ${member.name}`);
  const remove = h('button', { type: 'button', class: 'danger small', 'aria-expanded': 'false' }, 'Remove');
  remove.setAttribute('aria-label', `Remove ${member.name} from the care team`);
  const first = ctx.patient.name.split(' ')[0];
  const ask = (button, question, detail, yesText, work) => () => {
    const opening = button.getAttribute('aria-expanded') !== 'true';
    makeLead.setAttribute('aria-expanded', 'false');
    remove.setAttribute('aria-expanded', 'false');
    panel.replaceChildren();
    if (!opening) return;
    button.setAttribute('aria-expanded', 'true');
    const yes = h('button', { type: 'button', class: button === remove ? 'danger' : '' }, yesText);
    const no = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    no.addEventListener('click', () => {
      button.setAttribute('aria-expanded', 'false');
      panel.replaceChildren();
      button.focus();
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await work();
      } catch (error) {
        say(status, error.message, 'error');
        yes.disabled = false;
      }
    });
    panel.onkeydown = (event) => { if (event.key === 'Escape') no.click(); };
    const id = nextId('ask');
    panel.append(h('div', { class: 'confirm', role: 'group', 'aria-labelledby': id },
      h('p', { id }, h('strong', {}, question), ' ', detail),
      h('div', { class: 'actions' }, yes, no)));
    yes.focus();
  };
  makeLead.addEventListener('click', ask(makeLead, `Make ${member.name} the lead?`,
    `${member.name} then decides who is on ${first}'s care team. You stay on the team, and ${first} is told who now leads their care.`,
    `Yes, make ${member.name} the lead`, async () => {
      await api(`/patients/${ctx.patient.id}/lead`, { method: 'POST', body: { therapist_id: member.id } });
      await refresh(ctx, `${member.name} now leads ${first}'s care.`);
    }));
  remove.addEventListener('click', ask(remove, `Remove ${member.name} from the care team?`,
    `They will no longer see ${first}'s record. You can add them again later.`,
    `Yes, remove ${member.name}`, async () => {
      await api(`/patients/${ctx.patient.id}/care-team/${member.id}`, { method: 'DELETE' });
      await refresh(ctx, `${member.name} was removed from the care team.`);
    }));
  item.append(h('div', { class: 'actions member-actions' }, makeLead, remove), panel, status);
  return item;
}

function addForm(ctx) {
  const id = nextId('add');
  const choice = h('select', { name: 'therapist_id', id }, h('option', { value: '' }, 'Loading colleagues…'));
  const status = statusLine();
  const button = h('button', { type: 'submit' }, 'Add to care team');
  const form = h('form', { class: 'card team-add', novalidate: true, 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, 'Add a colleague'),
    field('Therapist', choice, 'Therapists of your clinic who treat patients and are not on this team yet.'),
    status, button);
  const onTeam = new Set(ctx.team.members.map((m) => m.id));
  api('/clinic/members').then((members) => {
    const free = members.filter((m) => m.treats_patients && !onTeam.has(m.id));
    if (!free.length) {
      form.replaceChildren(form.firstChild, h('p', {}, 'Every therapist of your clinic who treats patients is on this team already. Invite a colleague to the clinic from the Clinic screen (in the menu).'));
      return;
    }
    choice.replaceChildren(h('option', { value: '' }, 'Choose a therapist'),
      ...free.map((m) => h('option', { value: String(m.id) }, m.name)));
  }, (error) => say(status, error.message, 'error'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (!choice.value) {
      showError(form, status, { status: 422, errors: { therapist_id: ['Choose a therapist to add.'] } });
      return;
    }
    button.disabled = true;
    const name = choice.selectedOptions[0].textContent;
    try {
      await api(`/patients/${ctx.patient.id}/care-team`, { method: 'POST', body: { therapist_id: Number(choice.value) } });
      await refresh(ctx, `${name} joined the care team. ${ctx.patient.name.split(' ')[0]} is told.`);
    } catch (error) {
      showError(form, status, error);
      button.disabled = false;
    }
  });
  return form;
}

function leaveBox(ctx) {
  const first = ctx.patient.name.split(' ')[0];
  const status = statusLine();
  const ask = h('button', { type: 'button', class: 'danger' }, 'Leave this care team');
  const yes = h('button', { type: 'button', class: 'danger' }, 'Yes, leave the team');
  const no = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const id = nextId('leave');
  const confirm = h('div', { class: 'confirm', hidden: true, role: 'group', 'aria-labelledby': id },
    h('p', { id }, h('strong', {}, `Leave ${first}'s care team?`),
      ` You will no longer see ${first}'s record. ${ctx.team.lead ? `${ctx.team.lead.name}, the lead,` : 'The lead'} can add you again.`),
    h('div', { class: 'actions' }, yes, no));
  ask.addEventListener('click', () => {
    ask.hidden = true;
    confirm.hidden = false;
    yes.focus();
  });
  no.addEventListener('click', () => {
    confirm.hidden = true;
    ask.hidden = false;
    ask.focus();
  });
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    try {
      await api(`/patients/${ctx.patient.id}/care-team/${ctx.me}`, { method: 'DELETE' });
    } catch (error) {
      say(status, error.message, 'error');
      yes.disabled = false;
      return;
    }
    flashNext(`You left ${ctx.patient.name}'s care team.`);
    go('patients');
  });
  return h('section', { class: 'card team-leave', 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, 'Leave the team'),
    h('p', {}, `Not treating ${first} any more? Leave the care team; ${first}'s record then no longer shows in your list.`),
    ask, confirm, status);
}
