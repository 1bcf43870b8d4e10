// bureau: the venue programme's service worker. It keeps the programme, its views and the
// files they need, so that an installed programme opens without a network: each page is
// asked of the node first, and the last copy kept is shown when the node cannot be reached.
// /version is never kept: the page must learn that it is offline.
'use strict';

var CACHE = 'bureau-venue-__RELEASE__';
var KEEP = "__KEEP__";

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(KEEP);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf('bureau-venue-') === 0 && n !== CACHE;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname === '/version' || url.pathname === '/programme.html') return;
  event.respondWith(fetch(request).then(function (res) {
    if (res.ok) {
      var copy = res.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
    }
    return res;
  }).catch(function () {
    return caches.match(request).then(function (hit) {
      return hit || caches.match('/', { ignoreSearch: true }).then(function (home) {
        return home || Response.error();
      });
    });
  }));
});
