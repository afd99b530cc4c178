// The till: one search field (a keyboard-wedge scanner types a code and Enter), a basket, totals priced by the
// server's checkout quote, payment by cash or card, and a queue of cash sales made while offline, sent again on
// reconnect under the id this page made for each sale (the server makes each once). Every total is the server's:
// offline, a basket is one line per unit and its total the sum of the unit prices the server gave for the shelf.
(function () {
  "use strict";
  var root = document.getElementById("till");
  if (!root) return;
  var api = root.dataset.api, currency = root.dataset.currency, language = root.dataset.language;
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var money = new Intl.NumberFormat(language, { style: "currency", currency: currency });
  var exponent = money.resolvedOptions().maximumFractionDigits;
  var $ = function (selector) { return root.querySelector(selector); };
  var search = $("[data-till-search]"), results = $("[data-till-results]"), basketBody = $("[data-till-basket]");
  var SNAPSHOT = "remarket-till-shelf-" + root.dataset.location, BASKET = "remarket-till-basket-" + root.dataset.location;

  var state = {
    shelf: JSON.parse(localStorage.getItem(SNAPSHOT) || "null") || JSON.parse(document.getElementById("till-shelf").textContent),
    basket: JSON.parse(sessionStorage.getItem(BASKET) || "[]"),
    found: [],
    quote: null,
    saleId: sessionStorage.getItem(BASKET + "-id") || newId(),
    pendingOrder: null,
  };

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function fmt(minor) { return minor == null ? "—" : money.format(minor / Math.pow(10, exponent)); }
  function parseMoney(text) {
    var value = parseFloat(String(text || "").replace(/\s/g, "").replace(",", "."));
    return isFinite(value) ? Math.round(value * Math.pow(10, exponent)) : null;
  }
  function online() { return navigator.onLine !== false; }
  function save() {
    sessionStorage.setItem(BASKET, JSON.stringify(state.basket));
    sessionStorage.setItem(BASKET + "-id", state.saleId);
  }
  function show(selector, text) {
    var el = $(selector);
    el.textContent = text || "";
    el.hidden = !text;
  }

  function call(method, path, body, key) {
    var headers = { "X-CSRFToken": csrf, Accept: "application/json" };
    if (body) headers["Content-Type"] = "application/json";
    if (key) headers["Idempotency-Key"] = key;
    return fetch(api + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin" }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, ok: response.ok, json: json };
      });
    });
  }

  // ---- finding: the shelf first, then the online catalog
  function findOffline(q) {
    var code = q.toLowerCase(), words = code.split(/\s+/);
    var byCode = state.shelf.filter(function (f) { return f.sku.toLowerCase() === code || f.ean === q; });
    if (byCode.length) return byCode;
    return state.shelf.filter(function (f) {
      var title = (f.title + " " + f.grade).toLowerCase();
      return words.every(function (w) { return title.indexOf(w) >= 0; });
    });
  }

  // Lookups run one after the other, each applied in the order it was asked: a scanner sends its next code while
  // the previous lookup is still out, and each unit must land in the basket.
  var lookups = Promise.resolve();

  function find(q) {
    lookups = lookups.then(function () { return lookup(q); }, function () { return lookup(q); });
    return lookups;
  }

  function lookup(q) {
    var status = $("[data-till-find-status]");
    status.textContent = "";
    var scanned = q.indexOf(" ") < 0;
    var done = function (found) {
      state.found = found.filter(function (f) { return f.available > 0; });
      if (scanned && state.found.length === 1) {
        add(state.found[0]);
        state.found = [];
      } else if (!state.found.length) {
        status.textContent = root.dataset.nothing || "Nothing found for “" + q + "”.";
      }
      renderResults();
    };
    if (!online()) return done(findOffline(q));
    return call("GET", "/find?q=" + encodeURIComponent(q)).then(function (answer) {
      done(answer.ok ? answer.json : []);
    }, function () { done(findOffline(q)); });
  }

  function renderResults() {
    results.textContent = "";
    state.found.forEach(function (f, index) {
      var li = document.createElement("li"), button = document.createElement("button");
      button.type = "button";
      button.dataset.index = index;
      button.dataset.listing = f.listing_id;
      button.setAttribute("role", "option");
      var where = document.createElement("span");
      where.className = "where" + (f.shelf ? "" : " online");
      where.textContent = f.shelf ? "in store (" + f.available + ")" : "online · " + f.merchant;
      button.append(f.title + " — " + f.grade + " — " + fmt(f.price_minor) + " ", where);
      li.append(button);
      results.append(li);
    });
  }

  // ---- the basket
  function add(found) {
    var line = state.basket.find(function (l) { return l.listing_id === found.listing_id && l.shelf === found.shelf; });
    if (line) {
      if (line.quantity < found.available) line.quantity += 1;
    } else {
      state.basket.push({ listing_id: found.listing_id, title: found.title, grade: found.grade, shelf: found.shelf,
        quantity: 1, available: found.available, price_minor: found.price_minor,
        unit_paid_minor: found.unit_paid_minor });
    }
    changed();
  }

  function changed() {
    save();
    renderBasket();
    requote();
  }

  function renderBasket() {
    basketBody.textContent = "";
    if (!state.basket.length) {
      var empty = document.createElement("tr");
      empty.innerHTML = '<td colspan="4" class="muted"></td>';
      empty.firstChild.textContent = "Empty: scan or search a device.";
      basketBody.append(empty);
    }
    state.basket.forEach(function (line, index) {
      var tr = document.createElement("tr");
      tr.dataset.line = line.listing_id;
      var title = document.createElement("td");
      title.textContent = line.title + " — " + line.grade + (line.shelf ? "" : " (delivered)");
      var qty = document.createElement("td");
      qty.className = "num";
      qty.innerHTML = '<button type="button" class="secondary" data-less aria-label="one less">−</button> ' +
        '<span data-qty></span> <button type="button" class="secondary" data-more aria-label="one more">+</button>';
      qty.querySelector("[data-qty]").textContent = line.quantity;
      var price = document.createElement("td");
      price.className = "num";
      price.textContent = fmt(line.price_minor * line.quantity);
      var remove = document.createElement("td");
      remove.innerHTML = '<button type="button" class="secondary" data-remove aria-label="remove">×</button>';
      [qty, remove].forEach(function (cell) { cell.dataset.index = index; });
      tr.append(title, qty, price, remove);
      basketBody.append(tr);
    });
    $("[data-till-delivery]").hidden = !state.basket.some(function (l) { return !l.shelf; });
  }

  function offlineTotal() {
    if (state.basket.some(function (l) { return !l.shelf || l.unit_paid_minor == null; })) return null;
    return state.basket.reduce(function (sum, l) { return sum + l.unit_paid_minor * l.quantity; }, 0);
  }

  function setTotals(goods, tax, total, rates) {
    $('[data-total="goods"]').textContent = fmt(goods);
    $('[data-total="tax"]').textContent = fmt(tax);
    $('[data-total="total"]').textContent = fmt(total);
    $('[data-total="rates"]').textContent = rates || "";
    state.total = total;
    renderChange();
  }

  var quotes = 0;  // the latest quote asked: an earlier answer arriving after it is dropped

  function requote() {
    var asked = ++quotes;
    state.quote = null;
    if (!state.basket.length) return setTotals(null, null, null, "");
    var total = offlineTotal();
    if (!online()) {
      if (total == null) return setTotals(null, null, null, "Online offers need the connection.");
      var goods = state.basket.reduce(function (s, l) { return s + l.price_minor * l.quantity; }, 0);
      return setTotals(goods, null, total, "Offline: the shelf prices last known, tax included.");
    }
    var body = { lines: lines(false), delivery_address: address(), collect_here: collectHere() };
    call("POST", "/quote", body).then(function (answer) {
      if (asked !== quotes) return;
      if (!answer.ok) {
        // an address not filled in yet: show the shelf's part
        return setTotals(null, null, total, answer.json.message || "");
      }
      state.quote = answer.json;
      setTotals(answer.json.goods_minor, answer.json.tax_minor, answer.json.total_minor, answer.json.rates.join(", "));
    }, function () { if (asked === quotes) requoteOffline(); });
  }

  function requoteOffline() {
    var total = offlineTotal();
    setTotals(null, null, total, "Offline: the shelf prices last known, tax included.");
  }

  function renderChange() {
    var given = parseMoney($("[data-till-cash]").value);
    $("[data-till-change]").textContent = given != null && state.total != null && given >= state.total ?
      fmt(given - state.total) : "—";
  }

  function lines(perUnit) {
    var out = [];
    state.basket.forEach(function (l) {
      if (perUnit) {
        for (var i = 0; i < l.quantity; i++) out.push({ listing_id: l.listing_id, quantity: 1, shelf: l.shelf });
      } else {
        out.push({ listing_id: l.listing_id, quantity: l.quantity, shelf: l.shelf });
      }
    });
    return out;
  }

  function address() {
    var panel = $("[data-till-delivery]");
    if (panel.hidden) return null;
    var out = {};
    panel.querySelectorAll("input:not([data-till-mode])").forEach(function (input) {
      if (input.name !== "email") out[input.name] = input.value;
    });
    return out;
  }

  // online offers collected at this location (a pickup code by mail) rather than delivered home
  function collectHere() {
    var here = root.querySelector('[data-till-mode][value="here"]');
    return !!(here && here.checked && !$("[data-till-delivery]").hidden);
  }

  function tender() { return root.querySelector("[data-till-tender]:checked").value; }

  // ---- paying
  function saleBody(perUnit) {
    var body = { lines: lines(perUnit), tender: tender(), email: ($("[data-till-email]") || {}).value || "",
      delivery_address: address(), collect_here: collectHere() };
    if (body.tender === "cash") body.cash_given_minor = parseMoney($("[data-till-cash]").value);
    else if (body.tender === "trade_in") {  // a trade-in credit's code, the rest in cash
      body.trade_in_code = $("[data-till-credit]").value.trim();
      body.cash_given_minor = $("[data-till-credit-cash]").value.trim() ? parseMoney($("[data-till-credit-cash]").value) : null;
    } else body.card_number = $("[data-till-card]").value;
    return body;
  }

  function pay() {
    show("[data-till-error]", "");
    show("[data-till-done]", "");
    if (!state.basket.length) return show("[data-till-error]", "The basket is empty.");
    if (!online()) return queueSale();
    var body = saleBody(false), button = $("[data-till-pay]");
    button.disabled = true;
    call("POST", "/sales", body, state.saleId).then(function (answer) {
      button.disabled = false;
      answered(answer);
    }, function () {
      button.disabled = false;
      if (tender() === "cash") return queueSale();
      show("[data-till-error]", "No connection: a card cannot be taken offline. Take cash, or wait.");
    });
  }

  function answered(answer) {
    var sale = answer.json;
    if (!answer.ok) {
      if (sale.code === "IDEMPOTENCY_KEY_REUSED") state.saleId = newId();
      save();
      return show("[data-till-error]", (sale.message || "Refused.") + " (" + (sale.code || answer.status) + ")");
    }
    if (sale.status === "requires_action") {
      state.pendingOrder = sale.id;
      $("[data-till-confirm]").hidden = false;
      $("[data-till-confirm-yes]").focus();
      return;
    }
    $("[data-till-confirm]").hidden = true;
    if (sale.status === "declined") {
      state.saleId = newId();  // that attempt is over; the basket stays as it was
      save();
      show("[data-till-error]", "The card was declined: the basket is kept, try another card or cash.");
      return requote();
    }
    finished(sale);
  }

  function finished(sale) {
    var done = $("[data-till-done]");
    done.hidden = false;
    done.textContent = "";
    var link = document.createElement("a");
    link.href = root.dataset.saleUrl + sale.id + "/";
    link.dataset.receiptLink = sale.id;
    link.textContent = "Receipt " + sale.number;
    done.append((sale.status === "paid" ? "Paid " : "Sale recorded (" + sale.status + ") ") + fmt(sale.total_minor) +
      (sale.change_minor != null ? " — change " + fmt(sale.change_minor) : "") + ". ", link);
    clearBasket();
    refreshShelf();
  }

  function clearBasket() {
    state.basket = [];
    state.saleId = newId();
    $("[data-till-cash]").value = "";
    $("[data-till-card]").value = "";
    changed();
    search.focus();
  }

  function confirmStep(success) {
    var order = state.pendingOrder;
    call("POST", "/sales/" + order + "/confirm", { success: success }).then(function (answer) {
      state.pendingOrder = null;
      answered(answer);
    }, function () { show("[data-till-error]", "No connection: confirm again once it is back."); });
  }

  // ---- offline: queue, show, replay
  function queueSale() {
    if (tender() !== "cash") return show("[data-till-error]", "Offline, the till takes cash only.");
    var total = offlineTotal();
    if (total == null) return show("[data-till-error]", "Offline, the till sells units of this shelf only.");
    var body = saleBody(true);
    if (body.cash_given_minor == null || body.cash_given_minor < total) {
      return show("[data-till-error]", "The cash given is less than the amount due (" + fmt(total) + ").");
    }
    var record = { sale_id: state.saleId, body: body, total_minor: total, queued_at: new Date().toISOString(),
      summary: state.basket.map(function (l) { return l.quantity + " × " + l.title; }).join(", "), state: "queued" };
    state.basket.forEach(function (l) {  // what the shelf has left, as far as this till knows
      var known = state.shelf.find(function (f) { return f.listing_id === l.listing_id; });
      if (known) known.available = Math.max(0, known.available - l.quantity);
    });
    localStorage.setItem(SNAPSHOT, JSON.stringify(state.shelf));
    TillQueue.put(record).then(function () {
      show("[data-till-done]", "Queued offline: " + fmt(total) + ", change " + fmt(body.cash_given_minor - total) +
        ". It is sent when the connection is back.");
      clearBasket();
      renderQueue();
    });
  }

  var replaying = false;
  function replay() {
    if (replaying || !online()) return Promise.resolve();
    replaying = true;
    return TillQueue.all().then(function (records) {
      var queued = records.filter(function (r) { return r.state === "queued"; });
      return queued.reduce(function (chain, record) {
        return chain.then(function () {
          return call("POST", "/sales", record.body, record.sale_id).then(function (answer) {
            if (answer.ok) {
              record.state = "sent";
              record.order = answer.json.id;
              record.number = answer.json.number;
            } else if (answer.json.code === "IDEMPOTENCY_IN_PROGRESS") {
              return;  // being made right now: asked again next time
            } else {
              record.state = "conflict";
              record.code = answer.json.code || String(answer.status);
              record.message = answer.json.message || "";
            }
            return TillQueue.put(record);
          });
        });
      }, Promise.resolve());
    }).then(function () { replaying = false; renderQueue(); refreshShelf(); }, function () {
      replaying = false;
      renderQueue();
    });
  }

  function renderQueue() {
    TillQueue.all().then(function (records) {
      var list = $("[data-till-queue]");
      list.textContent = "";
      var waiting = records.filter(function (r) { return r.state !== "sent"; });
      $("[data-queue-count]").textContent = waiting.length;
      if (!records.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = "None.";
        list.append(none);
      }
      records.slice(-20).forEach(function (r) {
        var li = document.createElement("li");
        li.dataset.state = r.state;
        li.dataset.sale = r.sale_id;
        li.append(r.queued_at.slice(11, 19) + " " + r.summary + " — " + fmt(r.total_minor) + " — ");
        if (r.state === "sent") {
          var link = document.createElement("a");
          link.href = root.dataset.saleUrl + r.order + "/";
          link.textContent = "sent, receipt " + r.number;
          li.append(link);
        } else if (r.state === "conflict") {
          li.append("refused: " + r.message + " (" + r.code + ") ");
          var discard = document.createElement("button");
          discard.type = "button";
          discard.className = "secondary";
          discard.dataset.discard = r.sale_id;
          discard.textContent = "Discard (give the cash back)";
          li.append(discard);
        } else {
          li.append("waiting for the connection");
        }
        list.append(li);
      });
    });
  }

  function refreshShelf() {
    if (!online()) return;
    call("GET", "/stock").then(function (answer) {
      if (!answer.ok) return;
      state.shelf = answer.json;
      localStorage.setItem(SNAPSHOT, JSON.stringify(state.shelf));
    }, function () {});
  }

  function connection() {
    var label = root.querySelector("[data-connection]");
    label.textContent = online() ? "online" : "offline — cash sales are queued";
    label.dataset.connection = online() ? "online" : "offline";
    if (online()) replay();
    requote();
  }

  // ---- events and keys
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      var q = search.value.trim();
      // a code (no space) leaves the field at once, so that the scanner's next code is typed into an empty one;
      // words stay, to be refined
      if (q && q.indexOf(" ") < 0) search.value = "";
      if (q) find(q);
    } else if (event.key === "Escape") {
      search.value = "";
      state.found = [];
      renderResults();
    } else if (event.key === "ArrowDown" && results.firstChild) {
      event.preventDefault();
      results.querySelector("button").focus();
    }
  });
  results.addEventListener("keydown", function (event) {
    var current = event.target.closest("li");
    if (!current) return;
    if (event.key === "ArrowDown" && current.nextSibling) { event.preventDefault(); current.nextSibling.firstChild.focus(); }
    if (event.key === "ArrowUp") {
      event.preventDefault();
      (current.previousSibling ? current.previousSibling.firstChild : search).focus();
    }
  });
  results.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-index]");
    if (!button) return;
    add(state.found[Number(button.dataset.index)]);
    state.found = [];
    renderResults();
    search.value = "";
    search.focus();
  });
  basketBody.addEventListener("click", function (event) {
    var cell = event.target.closest("td[data-index]");
    if (!cell) return;
    var line = state.basket[Number(cell.dataset.index)];
    if (event.target.closest("[data-more]") && (!line.shelf || line.quantity < line.available)) line.quantity += 1;
    if (event.target.closest("[data-less]") && line.quantity > 1) line.quantity -= 1;
    if (event.target.closest("[data-remove]")) state.basket.splice(Number(cell.dataset.index), 1);
    changed();
  });
  root.addEventListener("change", function (event) {
    if (event.target.matches("[data-till-tender]")) {
      root.querySelectorAll("[data-tender-panel]").forEach(function (panel) {
        panel.hidden = panel.dataset.tenderPanel !== tender();
      });
    }
    if (event.target.matches && event.target.matches("[data-till-mode]")) {
      $("[data-till-home-address]").hidden = collectHere();
    }
    if (event.target.closest("[data-till-delivery]")) requote();
  });
  $("[data-till-cash]").addEventListener("input", renderChange);
  $("[data-till-pay]").addEventListener("click", pay);
  $("[data-till-confirm-yes]").addEventListener("click", function () { confirmStep(true); });
  $("[data-till-confirm-no]").addEventListener("click", function () { confirmStep(false); });
  $("[data-till-replay]").addEventListener("click", replay);
  $("[data-till-queue]").addEventListener("click", function (event) {
    var button = event.target.closest("[data-discard]");
    if (button) TillQueue.remove(button.dataset.discard).then(renderQueue);
  });
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (event.key === "/" && !typing) { event.preventDefault(); search.focus(); }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); pay(); }
    if (event.altKey && (event.key === "c" || event.key === "k")) {
      event.preventDefault();
      var radio = root.querySelector('[data-till-tender][value="' + (event.key === "c" ? "cash" : "card") + '"]');
      radio.checked = true;
      radio.dispatchEvent(new Event("change", { bubbles: true }));
      root.querySelector(event.key === "c" ? "[data-till-cash]" : "[data-till-card]").focus();
    }
  });
  window.addEventListener("online", connection);
  window.addEventListener("offline", connection);
  setInterval(function () { if (online()) replay(); }, 15000);

  if ("serviceWorker" in navigator) navigator.serviceWorker.register(root.dataset.sw, { scope: "/pos/" }).catch(function () {});
  renderBasket();
  renderQueue();
  connection();
  refreshShelf();
  root.dataset.ready = "1";
})();
