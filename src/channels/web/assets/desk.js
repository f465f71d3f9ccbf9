// The web desk's one script: progressive enhancement over pages that work without it. It sends
// forms in place, and redraws the page's live parts when the server says something changed.
'use strict';

(function () {
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  const status = () => document.getElementById('live-status');
  const announce = (text) => {
    const region = status();
    if (region) region.textContent = text;
  };
  const newSubmission = () => {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  };

  /** Draws the page's live parts again from the server, keeping what someone is typing. */
  async function redraw() {
    const response = await fetch(location.href, {
      headers: { Accept: 'text/html' },
      credentials: 'same-origin',
    });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    for (const region of document.querySelectorAll('[data-live][id]')) {
      const replacement = fresh.getElementById(region.id);
      if (!replacement) continue;
      if (region.contains(document.activeElement) && document.activeElement !== document.body) {
        const active = document.activeElement;
        if (active.tagName === 'TEXTAREA' || active.tagName === 'INPUT' || active.tagName === 'SELECT')
          continue;
      }
      region.innerHTML = replacement.innerHTML;
    }
    announce(document.documentElement.dataset.updated ?? '');
  }

  async function send(form, submitter) {
    const error = form.querySelector('.form-error');
    if (error) error.textContent = '';
    const body = new URLSearchParams(new FormData(form, submitter));
    const headers = { Accept: 'application/json', 'x-csrf-token': csrf() };
    const response = await fetch(form.getAttribute('action'), {
      method: 'POST',
      body,
      headers,
      credentials: 'same-origin',
    });
    let answer = {};
    try {
      answer = await response.json();
    } catch {
      answer = {};
    }
    if (!response.ok) {
      if (error) error.textContent = answer.error?.message ?? response.statusText;
      return;
    }
    if (answer.location) {
      location.assign(answer.location);
      return;
    }
    if (answer.message && error) error.textContent = answer.message;
    const submission = form.querySelector('input[name="submission"]');
    if (submission) submission.value = newSubmission();
    for (const field of form.querySelectorAll('textarea')) field.value = '';
    await redraw();
  }

  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-enhance')) return;
    event.preventDefault();
    const submitter = event.submitter ?? undefined;
    if (submitter) submitter.disabled = true;
    send(form, submitter)
      .catch(() => {
        const error = form.querySelector('.form-error');
        if (error) error.textContent = document.documentElement.dataset.offline ?? 'offline';
      })
      .finally(() => {
        if (submitter) submitter.disabled = false;
      });
  });

  if (document.querySelector('[data-live]') && 'EventSource' in window) {
    const stream = new EventSource('/web/live');
    let pending = false;
    stream.addEventListener('change', () => {
      if (pending) return;
      pending = true;
      // Changes come in bursts (a card and a message for one press): one redraw for the burst.
      setTimeout(() => {
        pending = false;
        redraw().catch(() => undefined);
      }, 150);
    });
  }
})();
