// The method's steps on the lists view (docs/API.md): gives with a size,
// "for" one of my partner's wishes and as smaller steps, my gives shown as
// a ladder from big to small, choose and done on my partner's gives, a
// private "not yet" on their wishes, and "What my partner sees". lists.js
// calls indexItems, methodActions, renderLadder and startMethod. Texts go
// on the page with textContent only; ids act, never show.
'use strict';

const kSteps = { small: 'small step', medium: 'medium step',
                 large: 'large step' };
let methodItems = new Map();  // id -> item, from the last lists

function indexItems(data) {
  methodItems = new Map();
  for (const side of [data.mine, data.partner]) {
    for (const it of side.wishes.concat(side.gives)) methodItems.set(it.id, it);
  }
}

// "For my partner's wish “...”", "A smaller step of “...”", in full.
function relationWords(item) {
  const parts = [];
  const quote = (id) => {
    const other = methodItems.get(id);
    return other ? '\u201c' + other.text + '\u201d' : 'something withdrawn';
  };
  if (item.for) {
    parts.push('For ' + (item.author === 'me' ? 'my partner\u2019s' : 'my') +
               ' wish ' + quote(item.for));
  }
  if (item.smaller_than) {
    parts.push('A smaller step of ' + quote(item.smaller_than));
  }
  return parts.join('. ');
}

function postItem(id, verb, done) {
  return act(id, verb, done);
}

// Preselects `value` in the select `id` and brings `focusId` into view.
function prepare(selectId, value, focusId) {
  $(selectId).value = value;
  $(focusId).scrollIntoView({ block: 'center' });
  $(focusId).focus();
}

// The buttons and words a method step adds to one rendered item.
function methodActions(item, li) {
  const actions = li.querySelector('.actions');
  const meta = li.querySelector('.meta');
  const rel = relationWords(item);
  if (rel) {
    const p = document.createElement('p');
    p.className = 'relation';
    p.textContent = rel;
    meta.after(p);
  }
  if (item.author === 'me' && item.kind === 'give') {
    actions.append(button('Add a smaller step',
      () => prepare('give-smaller', item.id, 'give-text'), true));
  }
  if (item.author !== 'partner') return;
  if (item.kind === 'give') {
    if (!item.chosen) {
      actions.append(button('Choose this', () => postItem(item.id, 'choose',
        'Chosen. Your partner sees it at the next sync.')));
    } else if (!item.done) {
      actions.append(button('It is done', () => postItem(item.id, 'done',
        'Marked done. Your partner sees it at the next sync.')));
    }
    actions.append(button('Thank them for it',
      () => prepare('note-for', item.id, 'note-text'), true));
    return;
  }
  actions.append(button('Offer something for this',
    () => prepare('give-for', item.id, 'give-text')));
  if (item.private_answer) {
    meta.textContent += item.private_answer === 'no'
      ? ' \u00b7 you said no (only you see this)'
      : ' \u00b7 not yet, for now (only you see this)';
    actions.append(button('Take back my answer', () => postItem(item.id,
      'take-back', 'Taken back. Your partner was never told of it.'), true));
  } else {
    actions.append(button('Not yet', () => postItem(item.id, 'not-yet',
      'Noted as not yet. That stays on this laptop: your partner is never ' +
      'told.'), true));
  }
}

// My gives as a ladder: each give, and under it, indented, its smaller
// steps, from big to small.
function renderLadder(data) {
  const gives = data.mine.gives;
  const mine = new Set(gives.map((g) => g.id));
  const below = new Map();
  const roots = [];
  for (const g of gives) {
    if (g.smaller_than && mine.has(g.smaller_than)) {
      if (!below.has(g.smaller_than)) below.set(g.smaller_than, []);
      below.get(g.smaller_than).push(g);
    } else {
      roots.push(g);
    }
  }
  const seen = new Set();
  const rung = (g) => {
    seen.add(g.id);
    const li = renderItem(g);
    const steps = (below.get(g.id) || []).filter((s) => !seen.has(s.id));
    if (steps.length > 0) {
      const ul = document.createElement('ul');
      ul.className = 'items ladder';
      ul.setAttribute('aria-label', 'Smaller steps of this');
      ul.append(...steps.map(rung));
      li.append(ul);
    }
    return li;
  };
  $('my-gives').replaceChildren(...roots.map(rung));
  fillChoices(data);
  refreshPreview().catch(failed);
  if (typeof refreshNotes === 'function') refreshNotes(data).catch(failed);
}

function option(value, text) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  return o;
}

// The give form's choices, by text: my partner's wishes ("for") and the
// wishes and gives a new give can be a smaller step of.
function fillChoices(data) {
  const keep = (id) => $(id).value;
  const forWas = keep('give-for');
  const smallerWas = keep('give-smaller');
  $('give-for').replaceChildren(option('', 'My own idea'),
    ...data.partner.wishes.map((w) => option(w.id, w.text)));
  $('give-smaller').replaceChildren(option('', 'Not a smaller step'),
    ...data.mine.gives.map((g) => option(g.id, 'My give: ' + g.text)),
    ...data.partner.wishes.map((w) =>
      option(w.id, 'My partner\u2019s wish: ' + w.text)));
  $('give-for').value = methodItems.has(forWas) ? forWas : '';
  $('give-smaller').value = methodItems.has(smallerWas) ? smallerWas : '';
  $('give-for-field').hidden = data.partner.wishes.length === 0;
}

const kWhere = {
  sent: 'on your partner\u2019s laptop, or on its way at the next sync',
  waiting_for_me: 'waits until you are ready',
  waiting_for_partner: 'waits until your partner is ready',
};

// Where an entry stands, naming the consent it waits for.
function whereWords(entry, consent) {
  const words = kWhere[entry.state] || '';
  return entry.state === 'sent' ? words : words + ' for ' + consent;
}

function previewLine(entry) {
  const li = document.createElement('li');
  li.className = 'item';
  const text = document.createElement('p');
  text.className = 'text';
  const meta = document.createElement('p');
  meta.className = 'meta';
  if (entry.kind === 'response') {
    text.textContent = entry.text || 'a give they withdrew';
    meta.textContent = 'My marks on their give: ' +
      Object.keys(entry.marks).join(', ') + ' \u00b7 ' +
      whereWords(entry, 'lists');
  } else {
    text.textContent = entry.text;
    const what = entry.kind === 'give' ? 'give, a ' + kSteps[entry.size]
      : entry.kind;
    meta.textContent = 'My ' + what + ' \u00b7 ' +
      whereWords(entry, entry.kind === 'note' ? 'notes' : 'lists');
  }
  li.append(text, meta);
  return li;
}

async function refreshPreview() {
  const p = await api('GET', '/api/preview');
  $('preview-list').replaceChildren(...p.items.map(previewLine));
  $('preview-empty').hidden = p.items.length > 0;
  const drafts = p.drafts === 1 ? 'One private draft stays'
    : (p.drafts === 0 ? 'No private drafts stay' : p.drafts +
       ' private drafts stay');
  $('preview-footnote').textContent = drafts + ' on this laptop until you ' +
    'share them. Your \u201cnot yet\u201d answers are never sent. Always ' +
    'shared: whether you are ready (lists: ' +
    (p.consents.lists.mine ? 'ready' : 'not yet') + ', notes: ' +
    (p.consents.notes.mine ? 'ready' : 'not yet') + ').';
}

function startMethod() {
  $('give-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    const body = {
      text: $('give-text').value,
      size: form.querySelector('input[name="size"]:checked').value,
    };
    if ($('give-for').value) body.for = $('give-for').value;
    if ($('give-smaller').value) body.smaller_than = $('give-smaller').value;
    try {
      await api('POST', '/api/gives', body);
      form.reset();
      await refresh();
      say('Added. It stays private until you share it.');
    } catch (err) {
      failed(err);
    }
  });
  if (typeof startNotes === 'function') startNotes();
}
