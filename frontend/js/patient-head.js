// The top of every section of a therapist's patient page: the name, the summary
// band (the clinical picture's verdict and adherence, the pain change, and what
// waits for the therapist) and the section links (#/patients/7/plan, ...).
import { api, auth } from './api.js';
import { h, heading, say, statusLine } from './ui.js';

export const SECTIONS = [
  ['overview', 'Overview'], ['plan', 'Plan'], ['progress', 'Progress'],
  ['outcomes', 'Outcomes'], ['messages', 'Messages'], ['team', 'Care team'], ['report', 'Report'],
];
const VERDICT = {
  improving: ['Improving', 'good'],
  unchanged: ['No meaningful change', 'neutral'],
  worsening: ['Worsening', 'bad'],
  insufficient_data: ['Not enough data yet', 'neutral'],
};
const REGION = { low_back: 'Low back', neck: 'Neck', headache: 'Headache' };

export const sectionHref = (id, section) => `#/patients/${id}${section === 'overview' ? '' : `/${section}`}`;

/** The section links, the current one marked with aria-current. */
export function sectionNav(id, current) {
  return h('nav', { class: 'section-tabs no-print', 'aria-label': 'Patient sections' },
    h('ul', {}, SECTIONS.map(([key, label]) => h('li', {},
      h('a', { href: sectionHref(id, key), 'aria-current': key === current ? 'page' : null }, label)))));
}

/** "Neck 6.1 → 3.0": the regions whose pain was measured at both ends. */
function painChange(summary) {
  const rows = Object.keys(REGION).map((key) => [key, summary.pain?.[key]])
    .filter(([, c]) => c && c.baseline != null && c.recent != null);
  if (!rows.length) return ['–', 'neutral'];
  const worse = rows.some(([, c]) => c.direction === 'worse');
  const better = rows.some(([, c]) => c.direction === 'better');
  return [rows.map(([key, c]) => `${REGION[key]} ${c.baseline.toFixed(1)} → ${c.recent.toFixed(1)}`).join(', '),
    worse ? 'bad' : better ? 'good' : 'neutral'];
}

function figure(label, value, { tone, href, wide } = {}) {
  const parts = [h('span', { class: 'label' }, label), h('strong', { class: tone ? `verdict ${tone}` : null }, value)];
  return h('li', { class: wide ? 'wide' : null }, href ? h('a', { href }, ...parts) : parts);
}

/** Who leads this patient's care ("You" or a colleague), linking to the care team. */
export function leadFigure(patient) {
  const team = patient.care_team;
  if (!team) return null;
  const lead = !team.lead ? '–' : team.lead.id === auth.user?.id ? 'You' : team.lead.name;
  const others = team.members.filter((m) => !m.lead).length;
  const item = figure(['Lead', others ? h('span', { class: 'band-window' }, `, team of ${others + 1}`) : null], lead,
    { href: sectionHref(patient.id, 'team') });
  item.classList.add('lead-figure');
  return item;
}

/** The band: one line of figures that answers "how is this patient doing, and
 * does anything wait for me?". */
export function summaryBand(patient, summary) {
  const [word, tone] = summary ? VERDICT[summary.verdict] || [summary.verdict, 'neutral'] : ['–', 'neutral'];
  const ratio = summary?.adherence?.ratio;
  const [pain, painTone] = summary ? painChange(summary) : ['–', 'neutral'];
  const days = summary?.window?.days || 28;
  const count = (n) => String(n || 0);
  return h('section', { class: `card summary-band ${tone}`, 'aria-label': 'Summary' },
    h('ul', { class: 'band-figures' },
      figure('Progress', word, { tone }),
      figure(['Adherence', h('span', { class: 'band-window' }, `, ${days} days`)], ratio == null ? '–' : `${Math.round(ratio * 100)} %`),
      figure('Open alerts', count(patient.open_alerts), { tone: patient.open_alerts ? 'bad' : null, href: sectionHref(patient.id, 'overview') }),
      figure('Suggestions', count(patient.pending_suggestions), { href: sectionHref(patient.id, 'plan') }),
      figure(['Unread', h('span', { class: 'band-window' }, ' messages')], count(patient.unread_messages), { href: sectionHref(patient.id, 'messages') }),
      leadFigure(patient),
      figure(['Pain', h('span', { class: 'band-window' }, ', baseline week'), ' → last 7 days'], pain, { tone: painTone, wide: true })));
}

/** Draws the back link, the name, the band and the section links into `screen`;
 * returns the patient, the picture (or null) and a status line, or null when the
 * patient cannot be loaded. */
export async function patientHead(screen, id, current, actions = () => null) {
  const status = statusLine();
  screen.append(h('p', { class: 'no-print' }, h('a', { href: '#/patients' }, '← All patients')), status);
  let patient;
  let summary = null;
  try {
    [patient, summary] = await Promise.all([
      api(`/patients/${id}`),
      api(`/patients/${id}/summary?days=28`).catch(() => null),
    ]);
  } catch (error) {
    screen.append(heading('Patient'));
    say(status, error.message, 'error');
    return null;
  }
  screen.append(h('div', { class: 'patient-head no-print' },
    h('div', { class: 'title-row' }, heading(patient.name), actions(patient, status)),
    h('p', { class: 'lead' }, patient.email, patient.timezone ? ` · ${patient.timezone}` : ''),
    summaryBand(patient, summary),
    sectionNav(patient.id, current)));
  return { patient, summary, status };
}
