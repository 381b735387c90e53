// The "Together" view: both halves of each consent, and how the two
// laptops keep in touch, in words (GET /api/status, POST /api/consent).
'use strict';

function renderConsent(kind, half) {
  $('consent-' + kind + '-words').textContent = half.words;
  const b = $('consent-' + kind);
  b.textContent = half.mine ? 'I am not ready after all' : 'I am ready';
  b.className = half.mine ? 'quiet' : '';
  b.dataset.on = half.mine ? 'true' : 'false';
}

function renderTogether(status) {
  renderConsent('lists', status.consents.lists);
  renderConsent('notes', status.consents.notes);
  let sync = status.background.words;
  if (status.paired) {
    sync = 'Last in touch with your partner\u2019s laptop: ' +
      status.last_sync_words + '. ' + sync;
  }
  $('sync-words').textContent = sync;
}

async function setConsent(kind) {
  const on = $('consent-' + kind).dataset.on !== 'true';
  try {
    const res = await api('POST', '/api/consent', { what: kind, on });
    await inch.refresh();
    say(res.consents[kind].words);
  } catch (err) {
    failed(err);
  }
}

inch.views.register('together', {
  label: 'Together',
  order: 10,
  onShow: renderTogether,
  onStart: () => {
    $('consent-lists').addEventListener('click', () => setConsent('lists'));
    $('consent-notes').addEventListener('click', () => setConsent('notes'));
  },
});
