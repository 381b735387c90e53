// Appreciation notes on the lists view (docs/API.md): write one, for one
// of my partner's gives or not, and read sent and received ones, newest
// first, whole, as text only. The notes consent is said in words: a note
// waits on this laptop until both are ready for notes.
'use strict';

function noteLine(note) {
  const li = document.createElement('li');
  li.className = 'item note';
  const text = document.createElement('p');
  text.className = 'text';
  text.textContent = note.text;
  const meta = document.createElement('p');
  meta.className = 'meta';
  const when = new Date(note.created_ms).toLocaleString(undefined,
    { dateStyle: 'medium', timeStyle: 'short' });
  meta.textContent = (note.direction === 'sent' ? 'To my partner'
    : 'From my partner') + ' \u00b7 ' + when;
  li.append(text, meta);
  return li;
}

// Whether notes flow now, in words.
function notesWords(consent) {
  if (consent.mine && consent.partner) {
    return 'Notes are on: a note reaches your partner at the next sync.';
  }
  return 'Notes are off for now, so a note waits on this laptop. ' +
    consent.words;
}

async function refreshNotes(lists) {
  const data = await api('GET', '/api/notes');
  $('notes-consent-words').textContent = notesWords(data.consent);
  $('notes-list').replaceChildren(...data.notes.map(noteLine));
  $('notes-empty').hidden = data.notes.length > 0;
  const was = $('note-for').value;
  const gives = lists.partner.gives;
  $('note-for').replaceChildren(option('', 'Not for a particular give'),
    ...gives.map((g) => option(g.id, g.text)));
  $('note-for').value = gives.some((g) => g.id === was) ? was : '';
  $('note-for-field').hidden = gives.length === 0;
}

function startNotes() {
  $('note-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { text: $('note-text').value };
    if ($('note-for').value) body.for = $('note-for').value;
    try {
      await api('POST', '/api/notes', body);
      e.target.reset();
      const data = await api('GET', '/api/notes');
      await refresh();
      say(data.consent.mine && data.consent.partner
        ? 'Written. It reaches your partner at the next sync.'
        : 'Written. It waits on this laptop until you are both ready ' +
          'for notes.');
    } catch (err) {
      failed(err);
    }
  });
}
