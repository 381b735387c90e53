// The "Journal" view: private reflections, one guided question at a time
// (GET /api/journal/prompts picks the next one), each shown above the
// writing area; past reflections newest first, in full, with dates in
// words; edit in place; delete after a confirmation (docs/API.md).
'use strict';

const journal = {
  prompts: [],   // [{id, text}] in the method's order
  at: -1,        // index of the question shown; -1: writing freely
};

function showQuestion() {
  const free = journal.at < 0;
  $('journal-kicker').textContent = free ? 'Writing freely'
    : 'A question to reflect on';
  $('journal-question').textContent = free ? 'What is on my mind?'
    : journal.prompts[journal.at].text;
  $('journal-free').hidden = free;
  $('journal-another').textContent = free ? 'Answer a question instead'
    : 'Another question';
}

// "Thursday, 3 December 2026 at 20:40", in the browser's language.
function dateWords(ms) {
  return new Date(ms).toLocaleString(undefined, {
    weekday: 'long', day: 'numeric', month: 'long', year: 'numeric',
    hour: 'numeric', minute: '2-digit',
  });
}

function whenWords(entry) {
  let words = dateWords(entry.created_ms);
  if (entry.updated_ms !== entry.created_ms) {
    const made = new Date(entry.created_ms);
    const changed = new Date(entry.updated_ms);
    const sameDay = made.toDateString() === changed.toDateString();
    words += ' \u00b7 changed ' + (sameDay
      ? 'at ' + changed.toLocaleTimeString(undefined,
                                           { hour: 'numeric', minute: '2-digit' })
      : dateWords(entry.updated_ms));
  }
  return words;
}

// Swaps an entry's actions for a question and two answers.
function confirmDelete(li, entry) {
  const actions = li.querySelector('.actions');
  const ask = document.createElement('p');
  ask.className = 'confirm';
  ask.textContent = 'Delete this reflection for good? Its text is erased ' +
    'from this laptop and cannot be brought back.';
  const keep = button('Keep it', () => renderJournal().catch(failed), true);
  const yes = button('Delete it', async () => {
    try {
      await api('POST', '/api/journal/' + entry.id + '/delete');
      await renderJournal();
      say('Deleted. Its text is gone from this laptop.');
    } catch (err) {
      failed(err);
    }
  });
  yes.classList.add('danger');
  actions.replaceChildren(ask, yes, keep);
  keep.focus();
}

function editInPlace(li, entry) {
  const text = li.querySelector('.text');
  const box = document.createElement('textarea');
  box.value = entry.text;
  box.rows = Math.min(16, Math.max(4, entry.text.split('\n').length + 1));
  box.setAttribute('aria-label', 'The reflection, to change');
  text.replaceWith(box);
  const save = button('Save changes', async () => {
    try {
      await api('POST', '/api/journal/' + entry.id + '/edit',
                { text: box.value });
      await renderJournal();
      say('Saved your changes.');
    } catch (err) {
      failed(err);
    }
  });
  const cancel = button('Cancel', () => renderJournal().catch(failed), true);
  li.querySelector('.actions').replaceChildren(save, cancel);
  box.focus();
}

function renderEntry(entry) {
  const li = $('entry-template').content.firstElementChild.cloneNode(true);
  li.querySelector('.when').textContent = whenWords(entry);
  const asked = li.querySelector('.asked');
  asked.textContent = entry.question || '';
  asked.hidden = !entry.question;
  li.querySelector('.text').textContent = entry.text;
  li.querySelector('.actions').append(
    button('Edit', () => editInPlace(li, entry), true),
    button('Delete', () => confirmDelete(li, entry), true));
  return li;
}

async function renderJournal() {
  const data = await api('GET', '/api/journal');
  $('journal-entries').replaceChildren(...data.entries.map(renderEntry));
  $('journal-empty').hidden = data.entries.length > 0;
}

// The next question from the server, unless the person is mid-sentence.
async function nextQuestion() {
  const data = await api('GET', '/api/journal/prompts');
  journal.prompts = data.prompts;
  if ($('journal-text').value.trim() === '') {
    journal.at = data.prompts.findIndex((p) => p.id === data.next);
  }
  showQuestion();
}

async function showJournal() {
  await nextQuestion();
  await renderJournal();
}

function startJournal() {
  $('journal-another').addEventListener('click', () => {
    if (journal.prompts.length === 0) return;
    journal.at = (journal.at + 1) % journal.prompts.length;
    showQuestion();
    $('journal-text').focus();
  });
  $('journal-free').addEventListener('click', () => {
    journal.at = -1;
    showQuestion();
    $('journal-text').focus();
  });
  $('journal-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const prompt = journal.at < 0 ? null : journal.prompts[journal.at].id;
    try {
      await api('POST', '/api/journal', { text: $('journal-text').value,
                                          prompt });
      $('journal-text').value = '';
      await showJournal();
      say('Saved. It stays on this laptop, for you alone.');
    } catch (err) {
      failed(err);
    }
  });
}

inch.views.register('journal', {
  label: 'Journal',
  order: 20,
  onShow: showJournal,
  onStart: startJournal,
});
