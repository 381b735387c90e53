// The "Lists" view: my wishes and gives, my partner's (what the consent
// gate let in), and adding a wish (GET /api/lists, POST /api/wishes, POST
// /api/items/ID/share|withdraw).
'use strict';

const kImportance = ['', 'a little', 'some', 'quite a lot', 'a lot', 'deeply'];

function describe(item) {
  const parts = [];
  if (item.kind === 'wish') {
    parts.push('would reach ' + (item.author === 'me' ? 'me ' : 'them ') +
               kImportance[item.importance]);
  } else {
    parts.push(item.size + ' step');
    if (item.done) parts.push('done');
    else if (item.chosen) parts.push('chosen');
    if (item.thanked) parts.push('thanked');
  }
  if (item.author === 'me') {
    parts.push(item.shared ? 'shared' : 'private, only on this laptop');
  }
  return parts.join(' \u00b7 ');
}

function renderItem(item) {
  const li = $('item-template').content.firstElementChild.cloneNode(true);
  li.querySelector('.text').textContent = item.text;
  li.querySelector('.meta').textContent = describe(item);
  const actions = li.querySelector('.actions');
  if (item.author === 'me') {
    if (!item.shared) {
      actions.append(button('Share', () => act(item.id, 'share',
        'Shared. It reaches your partner once you are both ready.')));
    }
    actions.append(button('Withdraw', () => {
      if (window.confirm('Withdraw this? It is deleted here and, at the ' +
                         'next sync, on your partner\u2019s laptop too.')) {
        act(item.id, 'withdraw', 'Withdrawn.');
      }
    }, true));
  }
  methodActions(item, li);  // method.js: the method's steps
  return li;
}

function fill(listId, items, emptyId) {
  const ul = $(listId);
  ul.replaceChildren(...items.map(renderItem));
  if (emptyId) $(emptyId).hidden = items.length > 0;
}

function renderLists(data) {
  indexItems(data);  // method.js
  fill('my-wishes', data.mine.wishes, 'my-wishes-empty');
  fill('my-gives', data.mine.gives, 'my-gives-empty');
  renderLadder(data);  // method.js: my gives as a ladder, preview, notes
  fill('partner-wishes', data.partner.wishes);
  fill('partner-gives', data.partner.gives);
  const partnerCount = data.partner.wishes.length + data.partner.gives.length;
  $('partner-lists').hidden = partnerCount === 0;
  const empty = $('partner-empty');
  empty.hidden = partnerCount > 0;
  if (!data.paired) {
    empty.textContent = 'You are not paired with your partner\u2019s laptop ' +
      'yet. Their lists appear here once you are.';
  } else if (!(data.consents.lists.mine && data.consents.lists.partner)) {
    empty.textContent = 'Their lists arrive once you are both ready ' +
      '(see Together).';
  } else {
    empty.textContent = 'Nothing from your partner yet.';
  }
}

async function act(id, verb, done) {
  try {
    await api('POST', '/api/items/' + encodeURIComponent(id) + '/' + verb);
    await inch.refresh();
    say(done);
  } catch (err) {
    failed(err);
  }
}

function startLists() {
  startMethod();  // method.js
  $('wish-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    const importance = Number(form.querySelector(
      'input[name="importance"]:checked').value);
    try {
      await api('POST', '/api/wishes',
                { text: $('wish-text').value, importance });
      form.reset();
      await inch.refresh();
      say('Added. It stays private until you share it.');
    } catch (err) {
      failed(err);
    }
  });
}

inch.views.register('lists', {
  label: 'Lists',
  order: 30,
  onShow: async () => renderLists(await api('GET', '/api/lists')),
  onStart: startLists,
});
