// First run: no home on this laptop yet. The passphrase typed twice, a
// hint about its strength in words (never a score), and the plain fact
// that a lost passphrase cannot be recovered (POST /api/setup, which
// calls the same code as `inch init`). Then the unlock screen.
'use strict';

// Words about a passphrase's strength, from its length and the kinds of
// characters in it. A guide, not a measure: it never says "strong".
function strengthWords(text) {
  const length = [...text].length;
  if (length === 0) {
    return 'A few ordinary words you will remember, with spaces between ' +
      'them, work well.';
  }
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  let kinds = 0;
  for (const re of [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9\s]/, /\s/]) {
    if (re.test(text)) kinds += 1;
  }
  if (length < 8) {
    return 'That is short: someone with your laptop could guess it. ' +
      'Add a few more words.';
  }
  if (length < 16 && kinds < 3) {
    return 'That could still be guessed. Another word or two would make ' +
      'it much harder.';
  }
  if (words >= 4 || length >= 20) {
    return 'That is long enough to be hard to guess. Make sure you will ' +
      'remember it.';
  }
  return 'That is a reasonable length. One more word would make it harder ' +
    'still.';
}

function repeatWords() {
  const first = $('new-passphrase').value;
  const again = $('repeat-passphrase').value;
  if (!again) return '';
  if (first === again) return 'The two are the same.';
  return first.startsWith(again) ? '' : 'The two are not the same yet.';
}

function startSetup() {
  const first = $('new-passphrase');
  const again = $('repeat-passphrase');
  first.addEventListener('input', () => {
    $('strength-hint').textContent = strengthWords(first.value);
    $('repeat-hint').textContent = repeatWords();
  });
  again.addEventListener('input', () => {
    $('repeat-hint').textContent = repeatWords();
  });
  $('setup-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (first.value !== again.value) {
      say('The two passphrases are not the same: type the same one twice.',
          true);
      again.select();
      return;
    }
    const submit = e.target.querySelector('button');
    submit.disabled = true;
    say('Setting up inch... this takes a few seconds.');
    try {
      await api('POST', '/api/setup',
                { passphrase: first.value, repeat: again.value });
      e.target.reset();
      $('strength-hint').textContent = strengthWords('');
      $('repeat-hint').textContent = '';
      inch.showUnlock('inch is ready. Unlock it with the passphrase you ' +
                      'just chose.');
    } catch (err) {
      say(sentence(err.message), true);
    } finally {
      submit.disabled = false;
    }
  });
}

inch.onSetup = () => $('new-passphrase').focus();
document.addEventListener('DOMContentLoaded', startSetup);
