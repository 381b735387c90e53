// inch's page: the shell. It talks to the JSON API of the server that
// served it (docs/API.md), decides between first run, unlock and the
// views, and draws the navigation between the views. Every text from the
// stores, the partner's above all, is put on the page with textContent,
// never as HTML. Ids are used to act on things but never shown.
//
// Adding a view (each view's code lives in its own file, e.g. notes.js):
//
//   1. In index.html, a block `<section id="notes-view" class="view"
//      aria-labelledby="notes-title" tabindex="-1" hidden>` with an <h2>,
//      and `<script src="/notes.js" defer></script>` after app.js.
//   2. In notes.js:
//        inch.views.register('notes', {
//          label: 'Notes',          // the navigation's words
//          order: 40,               // its place: together 10, journal 20,
//                                   // lists 30, notes 40, pairing 50
//          element: 'notes-view',   // optional; default NAME + '-view'
//          onShow: async (status) => { ... },  // optional
//          onStart: () => { ... },  // optional, once: add event listeners
//        });
//      onShow runs each time the view is shown (and on inch.refresh()),
//      with GET /api/status's answer; it may throw an API error, which the
//      shell reports (a 423 shows the unlock screen).
//   3. The view is at #notes; the navigation gets its link by itself.
//
// Shared helpers for the views: inch.api(method, path, body), inch.say(
// text, problem), inch.failed(err), inch.button(label, onClick, quiet),
// inch.refresh() and inch.show(name). The globals $, api, say, failed
// and button are the same functions.
//
// States of the page: loading -> setup (no home yet) -> unlock (locked)
// -> a view (unlocked). Transitions: refresh() asks the server and picks
// the state; Lock and a 423 go back to unlock; a created home goes to
// unlock. Invariant: the navigation and Lock are visible only in a view.
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
    err.code = data.error;
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

// A server message as a sentence: capital first, full stop last.
function sentence(text) {
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

function button(label, onClick, quiet) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  if (quiet) b.className = 'quiet';
  b.addEventListener('click', onClick);
  return b;
}

const inch = {
  api,
  say,
  sentence,
  button,
  views: {
    list: [],
    // See the comment at the top of this file.
    register(name, spec) {
      this.list.push({
        name,
        label: spec.label || name,
        order: spec.order === undefined ? 100 : spec.order,
        element: spec.element || name + '-view',
        onShow: spec.onShow || (() => {}),
        onStart: spec.onStart || (() => {}),
      });
      this.list.sort((a, b) => a.order - b.order);
    },
    find(name) {
      return this.list.find((v) => v.name === name);
    },
  },
  current: null,  // the name of the view on screen, or null
};

// The screens outside the views (no navigation there).
const kScreens = ['loading-view', 'setup-view', 'unlock-view'];

function hideAll() {
  for (const id of kScreens) {
    if ($(id)) $(id).hidden = true;
  }
  for (const v of inch.views.list) $(v.element).hidden = true;
}

function showScreen(id) {
  hideAll();
  inch.current = null;
  $(id).hidden = false;
  $('lock').hidden = true;
  $('views-nav').hidden = true;
}

// A failed call: a lock in the meantime shows the unlock screen.
function failed(err) {
  if (err.status === 423) {
    showUnlock('inch locked itself after a quiet while. Unlock it to go on.');
    return;
  }
  say(sentence(err.message), true);
}

function showUnlock(why) {
  showScreen('unlock-view');
  say(why || '');
  $('passphrase').value = '';
  $('passphrase').focus();
}

// The view named in the address (#journal), else the first one.
function viewFromHash() {
  const name = decodeURIComponent(window.location.hash.slice(1));
  return inch.views.find(name) || inch.views.list[0];
}

function drawNav(current) {
  for (const a of $('views-nav-list').querySelectorAll('a')) {
    if (a.dataset.view === current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// Shows view `name` (unlocked), after its onShow drew it. `focus` moves
// the keyboard and screen reader to it (after a choice in the navigation).
async function showView(name, focus) {
  const view = inch.views.find(name) || inch.views.list[0];
  const status = await api('GET', '/api/status');
  if (status.locked) {
    showUnlock();
    return;
  }
  await view.onShow(status);
  hideAll();
  inch.current = view.name;
  $(view.element).hidden = false;
  $('lock').hidden = false;
  $('views-nav').hidden = false;
  drawNav(view.name);
  document.title = view.label + ' \u2013 inch';
  if (focus) $(view.element).focus();
}

// Asks the server what to show: first run, unlock, or the current view.
async function refresh() {
  const setup = await api('GET', '/api/setup');
  if (!setup.exists) {
    showScreen('setup-view');
    if (inch.onSetup) inch.onSetup();
    return;
  }
  await showView(inch.current || viewFromHash().name, false);
}

inch.failed = failed;
inch.refresh = refresh;
inch.show = (name) => showView(name, true).catch(failed);
inch.showUnlock = showUnlock;

function buildNav() {
  const items = inch.views.list.map((v) => {
    const a = document.createElement('a');
    a.href = '#' + encodeURIComponent(v.name);
    a.dataset.view = v.name;
    a.textContent = v.label;
    const li = document.createElement('li');
    li.append(a);
    return li;
  });
  $('views-nav-list').replaceChildren(...items);
}

function start() {
  buildNav();
  window.addEventListener('hashchange', () => {
    if (inch.current === null) return;  // locked: unlocking shows it
    say('');
    inch.show(viewFromHash().name);
  });
  $('unlock-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const submit = e.target.querySelector('button');
    submit.disabled = true;
    say('Unlocking...');
    try {
      await api('POST', '/api/unlock', { passphrase: $('passphrase').value });
      $('passphrase').value = '';
      await showView(viewFromHash().name, false);
      say('Unlocked.');
      $('main').focus();
    } catch (err) {
      say(sentence(err.message), true);
      $('passphrase').select();
    } finally {
      submit.disabled = false;
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
  for (const v of inch.views.list) v.onStart();
  refresh().catch(failed);
}

document.addEventListener('DOMContentLoaded', start);
