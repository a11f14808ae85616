// The small "questionnaire due" card on Today: one line and a button per
// instrument due. Empty (nothing shown) when none is due or offline.
import { api } from './api.js';
import { h } from './ui.js';

export function dueCard(pending = api('/me/questionnaires/due')) {
  const card = h('section', { class: 'card due', hidden: true, 'aria-labelledby': 'due-h' });
  pending.then((due) => {
    if (!due.length) return;
    card.append(h('h2', { id: 'due-h' }, due.length > 1 ? 'Short questionnaires' : 'A short questionnaire'),
      ...due.map((q) => h('div', { class: 'due-row' },
        h('p', {}, h('strong', {}, q.title), ` · ${q.items.length} ${q.items.length === 1 ? 'question' : 'questions'}`,
          h('span', { class: 'sub' }, q.summary)),
        h('a', { class: 'button', href: `#/questionnaire?slug=${encodeURIComponent(q.questionnaire)}` }, `Answer ${q.title}`))));
    card.hidden = false;
  }, () => {});
  return card;
}
