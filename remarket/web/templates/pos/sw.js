{% load static %}// The till's service worker: the till page and its files are kept, so that a till reloaded without a
// connection still opens and sells from the shelf it last knew. The API is never cached: sales go to the network,
// and the page queues them (static/js/pos/queue.js) when it is not there.
"use strict";
var CACHE = "remarket-till-1";
var SHELL = [
  "{% url 'pos-till' %}",
  "{% static 'css/remarket.css' %}",
  "{% static 'css/pos.css' %}",
  "{% static 'vendor/htmx-2.0.11.min.js' %}",
  "{% static 'js/behaviours.js' %}",
  "{% static 'js/once.js' %}",
  "{% static 'js/pos/queue.js' %}",
  "{% static 'js/pos/till.js' %}",
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (request.mode === "navigate" && url.pathname === "{% url 'pos-till' %}") {
    // the page as the server has it now; the last one kept when there is no connection
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () { return caches.match(request); }));
    return;
  }
  if (SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(request).then(function (kept) { return kept || fetch(request); }));
  }
});
