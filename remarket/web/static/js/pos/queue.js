// The till's queue of sales made while the connection was lost, kept in IndexedDB (it survives a reload and a
// closed tab). Each record is {sale_id, body, total_minor, summary, queued_at, state, code, message, order}:
// state is "queued" (to send), "sent" (the server made it) or "conflict" (refused: shown to the clerk).
(function () {
  "use strict";
  var DB = "remarket-till", STORE = "sales";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "sale_id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), store = tx.objectStore(STORE), result;
        var request = work(store);
        if (request) request.onsuccess = function () { result = request.result; };
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  window.TillQueue = {
    put: function (record) { return run("readwrite", function (s) { return s.put(record); }); },
    remove: function (saleId) { return run("readwrite", function (s) { return s.delete(saleId); }); },
    all: function () {
      return run("readonly", function (s) { return s.getAll(); }).then(function (rows) {
        return (rows || []).sort(function (a, b) { return a.queued_at < b.queued_at ? -1 : 1; });
      });
    },
  };
})();
