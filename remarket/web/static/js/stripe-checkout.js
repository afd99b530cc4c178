// Stripe as the payment provider (remarket/payments/stripe_gateway.py): the card is typed into Stripe's own field
// (Elements), never into our page, and the form sends the PaymentMethod id Stripe.js makes from it; a payment that
// asks for 3-D Secure is completed in the browser with the PaymentIntent's client secret, then the confirmation
// form asks the server to read the outcome from Stripe. Loaded after Stripe.js (both deferred, in this order).
(function () {
  "use strict";

  function checkoutField(field) {
    var form = field.closest("form");
    var stripe = window.Stripe(field.dataset.stripeKey);
    var card = stripe.elements().create("card");
    var method = form.querySelector("[data-stripe-payment-method]");
    var error = form.querySelector("[data-stripe-error]");
    var creating = false;
    card.mount(field);
    form.addEventListener("submit", function (event) {
      if (method.value) return; // the second pass: the PaymentMethod is in the form, submit-once takes over
      event.preventDefault();
      event.stopPropagation(); // not a sale yet: the submit-once guard must not count this press
      if (creating) return;
      creating = true;
      error.hidden = true;
      stripe.createPaymentMethod({ type: "card", card: card }).then(function (result) {
        creating = false;
        if (result.error) {
          error.textContent = result.error.message;
          error.hidden = false;
          return;
        }
        method.value = result.paymentMethod.id;
        form.requestSubmit();
      });
    });
  }

  function nextAction(form) {
    var stripe = window.Stripe(form.dataset.stripeKey);
    stripe.handleNextAction({ clientSecret: form.dataset.clientSecret }).then(function () {
      // passed, failed or abandoned: the server reads which from Stripe
      form.querySelector("button[value=yes]").click();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof window.Stripe !== "function") return; // Stripe.js did not load: the page says so
    document.querySelectorAll("[data-stripe-card]").forEach(checkoutField);
    document.querySelectorAll("form[data-stripe-action]").forEach(nextAction);
    document.querySelectorAll("[data-stripe-missing]").forEach(function (note) { note.hidden = true; });
  });
})();
