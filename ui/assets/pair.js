// The pairing view: pair with the partner's laptop (one shows a code, the
// other types it, and inch finds that laptop on the home network by
// itself), compare the check words on both screens, see whether the
// partner's laptop was reached lately, and unpair. The work runs on the
// server as one job (docs/API.md, "Pairing"); this file starts it and
// polls it. Every text goes on the page with textContent.
//
// Panels (one shown at a time, from GET /api/partner and GET /api/pair):
//   start    not paired, no job: "Show a code" or "Type your partner's code"
//   waiting  a job is working: the code large (offer), or "Looking..."
//   compare  the job paired: the four words, Yes / No
//   result   the job ended (done or failed): its words, "OK" dismisses it
//   paired   paired, no job: the check words, Unpair behind a confirmation
// Transitions: each poll (every second while working) picks the panel
// anew from the server's answer; the page holds no state of its own
// beyond the poll timer.
'use strict';

const pairView = (() => {
  const kPanels = ['pair-start', 'pair-waiting', 'pair-compare',
                   'pair-result', 'pair-paired'];
  let timer = null;

  const ask = (method, path, body) => api(method, path, body);

  function panel(id) {
    for (const p of kPanels) $(p).hidden = p !== id;
  }

  function words(list, target) {
    $(target).replaceChildren(...list.map((w) => {
      const li = document.createElement('li');
      li.textContent = w;
      return li;
    }));
  }

  function renderPartner(partner) {
    $('pair-status-words').textContent = partner.words;
    $('pair-background').textContent = partner.paired ? partner.background : '';
    $('pair-notice').textContent = partner.notice_words || '';
    $('pair-notice').hidden = !partner.notice_words;
    words(partner.check_words, 'paired-words');
  }

  function renderJob(job, partner) {
    clearTimeout(timer);
    timer = null;
    // While a job runs its own words say where things stand.
    const busy = job.state === 'working' || job.state === 'comparing';
    $('pair-status-words').hidden = busy;
    $('pair-background').hidden = busy || !partner.paired;
    if (job.state === 'working') {
      panel('pair-waiting');
      $('pair-job-words').textContent = job.message;
      $('pair-code-shown').textContent = job.code || '';
      $('pair-code-shown').hidden = !job.code;
      words(job.addresses, 'pair-addresses');
      $('pair-addresses-block').hidden = job.addresses.length === 0;
      $('pair-stop').hidden = job.task === 'unpair';
      timer = setTimeout(() => refresh().catch(failed), 1000);
    } else if (job.state === 'comparing') {
      panel('pair-compare');
      $('pair-compare-words').textContent = job.message;
      words(job.check_words, 'pair-words');
    } else if (job.state === 'done' || job.state === 'failed') {
      panel('pair-result');
      $('pair-result-words').textContent = job.message;
      $('pair-result').classList.toggle('problem', job.state === 'failed');
    } else {
      panel(partner.paired ? 'pair-paired' : 'pair-start');
      $('unpair-confirm').hidden = true;
      $('unpair-ask').hidden = false;
    }
  }

  async function refresh() {
    const [partner, job] = await Promise.all(
      [ask('GET', '/api/partner'), ask('GET', '/api/pair')]);
    renderPartner(partner);
    renderJob(job, partner);
  }

  // Runs a call that changes the job, then shows the new state.
  async function act(method, path, body) {
    try {
      await ask(method, path, body);
      await refresh();
    } catch (err) {
      failed(err);
    }
  }

  function start() {
    $('pair-offer').addEventListener('click',
      () => act('POST', '/api/pair/offer'));
    $('pair-join-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const address = $('pair-address').value.trim();
      act('POST', '/api/pair/join',
          { code: $('pair-code').value, address: address || null });
    });
    $('pair-stop').addEventListener('click',
      () => act('POST', '/api/pair/cancel'));
    $('pair-same').addEventListener('click',
      () => act('POST', '/api/pair/confirm', { same: true }));
    $('pair-differ').addEventListener('click',
      () => act('POST', '/api/pair/confirm', { same: false }));
    $('pair-result-ok').addEventListener('click',
      () => act('POST', '/api/pair/cancel'));
    $('unpair-ask').addEventListener('click', () => {
      $('unpair-confirm').hidden = false;
      $('unpair-ask').hidden = true;
      $('unpair-keep').focus();
    });
    $('unpair-keep').addEventListener('click', () => {
      $('unpair-confirm').hidden = true;
      $('unpair-ask').hidden = false;
      $('unpair-ask').focus();
    });
    $('unpair-yes').addEventListener('click',
      () => act('POST', '/api/unpair', { confirm: true }));
  }

  function hide() {
    clearTimeout(timer);
    timer = null;
  }

  return { start, refresh, hide };
})();

// A view of its own in the shell's navigation (app.js's inch.views).
inch.views.register('pairing', {
  label: 'Pairing',
  order: 50,
  element: 'pair-view',
  onStart: pairView.start,
  onShow: () => pairView.refresh(),
});
