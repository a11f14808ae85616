// A dialog to choose one exercise from the library: search by name, filter by
// region and category, read the full text, then add it.
import { CATEGORY, filterBar, fullText, loadExercises, ownerBadge, regionWords, thumbTile } from './catalogue.js';
import { h, nextId } from './ui.js';

/**
 * Resolves with the chosen exercise, or null when the dialog is closed. Exercises
 * whose slugs are in `already` are marked and cannot be added twice.
 */
export function pickExercise(title, already = new Set()) {
  return new Promise((resolve) => {
    const titleId = nextId('picker');
    const list = h('ul', { class: 'pick-list' }, h('li', {}, 'Loading the library…'));
    const count = h('p', { class: 'hint', role: 'status' });
    let chosen = null;
    let all = [];
    const draw = (test) => {
      const shown = all.filter(test);
      count.textContent = `${shown.length} of ${all.length} exercises`;
      list.replaceChildren(...(shown.length ? shown.map(row) : [h('li', {}, 'No exercise matches. Try fewer words or another filter.')]));
    };
    const filters = filterBar(draw);
    const close = h('button', { type: 'button', class: 'secondary' }, 'Close');
    const dialog = h('dialog', { class: 'picker', 'aria-labelledby': titleId },
      h('div', { class: 'title-row' }, h('h2', { id: titleId }, title), close),
      filters.bar, count, list);
    const row = (ex) => {
      const taken = already.has(ex.slug);
      const add = taken ? h('span', { class: 'tag now' }, 'In this phase')
        : h('button', { type: 'button', 'aria-label': `Add ${ex.name}` }, 'Add');
      if (!taken) add.addEventListener('click', () => { chosen = ex; dialog.close(); });
      return h('li', { class: 'pick' },
        h('div', { class: 'pick-head' },
          h('div', { class: 'with-thumb' }, thumbTile(ex),
            h('div', {}, h('strong', {}, ex.name), ' ', ownerBadge(ex),
              h('span', { class: 'sub' }, `${CATEGORY[ex.category] || ex.category} · ${regionWords(ex.regions)}`))),
          add),
        fullText(ex, `Full text of ${ex.name}`));
    };
    close.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(chosen);
    });
    document.body.append(dialog);
    dialog.showModal();
    filters.focus();
    loadExercises().then((exercises) => {
      all = exercises;
      draw(filters.test);
    }, (error) => list.replaceChildren(h('li', { class: 'error' }, error.message)));
  });
}
