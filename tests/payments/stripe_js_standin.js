// A stand-in of the part of Stripe.js the checkout uses, served by the tests' Stripe stand-in at /v3/: Stripe(key),
// elements().create("card").mount(target), createPaymentMethod({type, card}) and handleNextAction({clientSecret}).
// Its card field is a plain input (Stripe's is an iframe); the PaymentMethod is made by the stand-in's API with the
// publishable key, as Stripe.js does, and the 3-D Secure step is passed at once.
(function () {
  "use strict";
  var base = document.currentScript.src.replace(/\/v3\/?.*$/, "");

  function post(path, key, body) {
    return fetch(base + path, {
      method: "POST",
      headers: { "Authorization": "Bearer " + key, "Content-Type": "application/x-www-form-urlencoded" },
      body: body
    }).then(function (response) { return response.json(); });
  }

  window.Stripe = function (key) {
    if (!/^pk_/.test(key || "")) throw new Error("Stripe.js needs a publishable key (pk_...)");
    return {
      elements: function () {
        return {
          create: function () {
            var input = document.createElement("input");
            input.setAttribute("data-standin-card", "");
            input.setAttribute("aria-label", "Card number");
            input.setAttribute("inputmode", "numeric");
            return {
              mount: function (target) {
                (typeof target === "string" ? document.querySelector(target) : target).appendChild(input);
              },
              number: function () { return input.value.replace(/\D/g, ""); }
            };
          }
        };
      },
      createPaymentMethod: function (options) {
        return post("/v1/payment_methods", key, "type=card&card[number]=" + options.card.number())
          .then(function (body) { return body.error ? { error: body.error } : { paymentMethod: body }; });
      },
      handleNextAction: function (options) {
        return post("/test/authenticate", key, "client_secret=" + encodeURIComponent(options.clientSecret))
          .then(function (body) { return body.error ? { error: body.error } : { paymentIntent: body }; });
      }
    };
  };
})();
