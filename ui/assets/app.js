// inch's page: talks to the JSON API of the server that served it
// (docs/API.md). Every text from the lists, the partner's above all, is
// put on the page with textContent, never as HTML. Ids are used to act on
// items but never shown.
'use strict';

const $ = (id) => document.getElementById(id);

// Calls the API; resolves to the JSON body, or throws an Error whose
// message is the server's words for people (and .status its HTTP status).
async function api(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const res = await fetch(path, options);
  let data = {};
  try {
    data = await res.json();
  } catch (e) {
    data = { message: 'inch did not answer as expected: reload the page.' };
  }
  if (!res.ok) {
    const err = new Error(data.message || 'Something went wrong.');
    err.status = res.status;
    throw err;
  }
  return data;
}

function say(text, problem) {
  const m = $('message');
  m.textContent = text;
  m.classList.toggle('problem', Boolean(problem));
  m.hidden = !text;
}

function show(view) {
  for (const id of ['loading-view', 'unlock-view', 'lists-view']) {
    $(id).hidden = id !== view;
  }
  $('lock').hidden = view !== 'lists-view';
}

// A failed call: a lock in the meantime shows the unlock screen.
function failed(err) {
  if (err.status === 423) {
    showUnlock('inch locked itself after a quiet while. Unlock it to go on.');
    return;
  }
  say(err.message.charAt(0).toUpperCase() + err.message.slice(1) + '.', true);
}

function showUnlock(why) {
  show('unlock-view');
  say(why || '');
  $('passphrase').value = '';
  $('passphrase').focus();
}

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
  return parts.join(' · ');
}

function button(label, onClick, quiet) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  if (quiet) b.className = 'quiet';
  b.addEventListener('click', onClick);
  return b;
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
  methodActions(item, li);  // lists.js: the method's steps
  return li;
}

function fill(listId, items, emptyId) {
  const ul = $(listId);
  ul.replaceChildren(...items.map(renderItem));
  if (emptyId) $(emptyId).hidden = items.length > 0;
}

function renderConsent(kind, half) {
  $('consent-' + kind + '-words').textContent = half.words;
  const b = $('consent-' + kind);
  b.textContent = half.mine ? 'I am not ready after all' : 'I am ready';
  b.className = half.mine ? 'quiet' : '';
  b.dataset.on = half.mine ? 'true' : 'false';
}

function renderLists(data, status) {
  indexItems(data);  // lists.js
  fill('my-wishes', data.mine.wishes, 'my-wishes-empty');
  fill('my-gives', data.mine.gives, 'my-gives-empty');
  renderLadder(data);  // lists.js: my gives as a ladder, preview, notes
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
    empty.textContent = 'Their lists arrive once you are both ready.';
  } else {
    empty.textContent = 'Nothing from your partner yet.';
  }
  renderConsent('lists', data.consents.lists);
  renderConsent('notes', data.consents.notes);
  let sync = status.background.words;
  if (status.paired) {
    sync = 'Last in touch with your partner\u2019s laptop: ' +
      status.last_sync_words + '. ' + sync;
  }
  $('sync-words').textContent = sync;
}

async function refresh() {
  const status = await api('GET', '/api/status');
  if (status.locked) {
    showUnlock();
    return;
  }
  const lists = await api('GET', '/api/lists');
  renderLists(lists, status);
  show('lists-view');
}

async function act(id, verb, done) {
  try {
    await api('POST', '/api/items/' + encodeURIComponent(id) + '/' + verb);
    await refresh();
    say(done);
  } catch (err) {
    failed(err);
  }
}

async function setConsent(kind) {
  const on = $('consent-' + kind).dataset.on !== 'true';
  try {
    const res = await api('POST', '/api/consent', { what: kind, on });
    await refresh();
    say(res.consents[kind].words);
  } catch (err) {
    failed(err);
  }
}

function start() {
  $('unlock-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const submit = e.target.querySelector('button');
    submit.disabled = true;
    say('Unlocking...');
    try {
      await api('POST', '/api/unlock', { passphrase: $('passphrase').value });
      $('passphrase').value = '';
      await refresh();
      say('Unlocked.');
      $('main').focus();
    } catch (err) {
      say(err.message.charAt(0).toUpperCase() + err.message.slice(1) + '.',
          true);
      $('passphrase').select();
    } finally {
      submit.disabled = false;
    }
  });
  $('wish-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    const importance = Number(form.querySelector(
      'input[name="importance"]:checked').value);
    try {
      await api('POST', '/api/wishes',
                { text: $('wish-text').value, importance });
      form.reset();
      await refresh();
      say('Added. It stays private until you share it.');
    } catch (err) {
      failed(err);
    }
  });
  $('lock').addEventListener('click', async () => {
    try {
      await api('POST', '/api/lock');
      showUnlock('Locked. Your passphrase opens inch again.');
    } catch (err) {
      failed(err);
    }
  });
  $('consent-lists').addEventListener('click', () => setConsent('lists'));
  $('consent-notes').addEventListener('click', () => setConsent('notes'));
  startMethod();  // lists.js
  refresh().catch(failed);
}

document.addEventListener('DOMContentLoaded', start);
