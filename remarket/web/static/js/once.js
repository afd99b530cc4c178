// A form marked data-submit-once sends once: its submit buttons are disabled while the request is in flight, so
// a double click or an impatient second press cannot send the sale twice (the server also makes one order per
// cart version). Buttons come back when the page is shown again from the back/forward cache.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-submit-once]")) return;
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    form.dataset.sending = "1";
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
      // disabled after this event, so the pressed button's own name/value still goes with the form
      setTimeout(function () { button.disabled = true; }, 0);
      if (button.dataset.sendingLabel) button.textContent = button.dataset.sendingLabel;
    });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      delete form.dataset.sending;
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  });
})();
