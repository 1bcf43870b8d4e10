// bureau: the venue programme on a phone. No framework, no build step.
//
// The page polls /version every few seconds. When the document changed it fetches its own
// address again and puts the fresh programme in place of the old one; when a poll fails (the
// network went, the node stopped) nothing is removed: the programme stays on screen and the
// status line says the page is offline and when it was last brought up to date. A service
// worker, which keeps the programme readable offline, is registered only where the browser
// allows one (a secure context: the venue listener over TLS, or loopback).
(function () {
  'use strict';

  var body = document.body;
  if (!body || !window.fetch) return;
  var poll = body.getAttribute('data-poll');
  var version = body.getAttribute('data-version');
  var offlineText = body.getAttribute('data-offline');
  var status = document.getElementById('venue-status');
  var every = 5000;
  var busy = false;

  function say(text, offline) {
    if (!status || !text) return;
    if (status.textContent !== text) status.textContent = text;
    if (offline) {
      body.classList.add('offline');
    } else {
      body.classList.remove('offline');
    }
  }

  function offline() {
    say(offlineText, true);
  }

  // Puts the fresh page's programme and status line in place of the old ones.
  function refresh(text, fresh) {
    return fetch(window.location.href, { cache: 'no-store', credentials: 'omit' })
      .then(function (res) {
        if (!res.ok) throw new Error('status ' + res.status);
        return res.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var next = doc.getElementById('venue-content');
        var here = document.getElementById('venue-content');
        if (next && here) here.innerHTML = next.innerHTML;
        version = fresh;
        say(text, false);
      });
  }

  function tick() {
    if (busy || !poll) return;
    busy = true;
    fetch(poll, { cache: 'no-store', credentials: 'omit' })
      .then(function (res) {
        if (!res.ok) throw new Error('status ' + res.status);
        return res.json();
      })
      .then(function (answer) {
        var fresh = String(answer.version);
        var done = fresh === version ? null : refresh(answer.updated, fresh);
        return Promise.resolve(done).then(function () {
          offlineText = answer.offline || offlineText;
          if (!done) say(answer.updated, false);
        });
      })
      .catch(offline)
      .then(function () { busy = false; });
  }

  window.addEventListener('offline', offline);
  window.addEventListener('online', tick);
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) tick();
  });
  window.setInterval(function () {
    if (!document.hidden) tick();
  }, every);

  if (window.isSecureContext && navigator.serviceWorker) {
    navigator.serviceWorker.register('/sw.js').catch(function () {});
  }
})();
