// The progress report on one patient over a period: a page that prints on A4 or
// Letter (the print stylesheet in app.css), and the same report as a PDF made by
// the server. Sections arrive as blocks (text, figures, tables, an SVG chart), so
// a new kind of section on the server shows here without changes.
import { api, apiBlob, saveBlob } from './api.js';
import { patientHead } from './patient-head.js';
import { addDays, field, h, isoDay, say, statusLine } from './ui.js';

const longDay = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' });
const formatLong = (day) => longDay.format(new Date(`${day}T12:00:00`));

const BLOCKS = {
  text: (b) => h('p', {}, b.text),
  figures: (b) => h('dl', { class: 'figures' }, b.figures.map((f) => h('div', {}, h('dt', {}, f.label), h('dd', {}, f.value)))),
  table: (b) => h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `Table: ${b.columns.join(', ')}` }, h('table', { class: 'report-table' },
    h('thead', {}, h('tr', {}, b.columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, b.rows.map((row) => h('tr', {}, row.map((cell, i) => h('td', {
      'data-label': b.columns[i], class: String(cell).length > 28 ? 'long' : null,
    }, cell))))))),
  chart: (b) => h('img', {
    class: 'report-chart', alt: b.alt || 'Chart',
    src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(b.svg)}`,
  }),
};

function documentOf(report, paper) {
  const made = new Date(report.generated_at).toLocaleString();
  return h('article', { class: `report paper-${paper}`, 'aria-label': `Progress report, ${report.patient.name}` },
    h('header', { class: 'report-head' },
      h('p', { class: 'report-kind' }, 'Progress report'),
      h('h2', { class: 'report-name' }, report.patient.name),
      h('p', {}, `${formatLong(report.from)} to ${formatLong(report.to)} (${report.timezone})`),
      h('p', { class: 'sub' }, report.patient.email, report.therapist ? ` · Therapist: ${report.therapist}` : '')),
    report.sections.map((section) => h('section', { class: `report-section section-${section.key}` },
      h('h3', {}, section.title),
      section.blocks.map((block) => (BLOCKS[block.type] || BLOCKS.text)(block)))),
    h('footer', { class: 'report-foot' }, `Kinetic Chain · made ${made}`));
}

export async function render(screen, { id, from, to, paper = 'a4' }) {
  const status = statusLine();
  const today = isoDay();
  const start = h('input', { type: 'date', name: 'from', value: from || addDays(today, -29), max: today });
  const end = h('input', { type: 'date', name: 'to', value: to || today });
  const size = h('select', { name: 'paper' },
    h('option', { value: 'a4', selected: paper === 'a4' }, 'A4'),
    h('option', { value: 'letter', selected: paper === 'letter' }, 'US Letter'));
  const show = h('button', { type: 'submit' }, 'Show report');
  const print = h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, 'Print');
  const pdf = h('button', { type: 'button', class: 'secondary' }, 'Download PDF');
  const holder = h('div', { class: 'report-holder' });
  const form = h('form', { class: 'card report-controls', novalidate: true },
    h('div', { class: 'report-fields' }, field('From', start), field('To', end), field('Paper', size)),
    h('div', { class: 'actions' }, show, print, pdf), status);
  if (!(await patientHead(screen, id, 'report'))) return;
  const fhir = h('button', { type: 'button', class: 'secondary' }, 'FHIR record');
  // The spoken name starts with the visible words (WCAG 2.5.3, label in name).
  fhir.setAttribute('aria-label', 'FHIR record: download the record as FHIR R4 JSON');
  fhir.addEventListener('click', async () => {
    try {
      saveBlob(await apiBlob(`/patients/${id}/fhir`), `${name} FHIR R4.json`);
    } catch (error) {
      say(status, error.message, 'error');
    }
  });
  form.querySelector('.actions').append(fhir);
  screen.append(h('h2', { class: 'no-print' }, 'Progress report'), form, holder);

  const query = () => `from=${start.value}&to=${end.value}`;
  let name = 'report';
  async function load() {
    say(status, 'Loading…', 'info');
    try {
      const report = await api(`/patients/${id}/report?${query()}`);
      name = report.patient.name;
      holder.replaceChildren(documentOf(report, size.value));
      say(status, '');
      // Keep the dates in the address, unless the therapist has already moved on
      // to another screen while the report loaded.
      const here = `#/patients/${id}/report`;
      if (location.hash === here || location.hash.startsWith(`${here}?`)) {
        history.replaceState(null, '', `${here}?${query()}&paper=${size.value}`);
      }
    } catch (error) {
      say(status, error.errors?.to ? `To: ${error.errors.to.join(' ')}` : error.message, 'error');
    }
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  size.addEventListener('change', () => {
    holder.querySelector('.report')?.classList.remove('paper-a4', 'paper-letter');
    holder.querySelector('.report')?.classList.add(`paper-${size.value}`);
  });
  pdf.addEventListener('click', async () => {
    pdf.disabled = true;
    try {
      const blob = await apiBlob(`/patients/${id}/report.pdf?${query()}&paper=${size.value}`);
      saveBlob(blob, `Progress report ${name} ${start.value} to ${end.value}.pdf`);
    } catch (error) {
      say(status, error.message, 'error');
    }
    pdf.disabled = false;
  });
  await load();
}
