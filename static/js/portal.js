/* Client pages: small helps on top of pages that work without JavaScript.
   Loaded with defer from base.html (the CSP allows only 'self' scripts). */
(function () {
  "use strict";

  // A form sent back with errors: take the client to the first one and put the cursor there.
  function focusFirstError() {
    var field = document.querySelector(
      ".field--error input:not([type=hidden]), .field--error select, .field--error textarea");
    if (!field) return;
    field.scrollIntoView({block: "center"});
    field.focus({preventScroll: true});
  }

  // The code page: count down to when a new code may be asked for.
  function resendCountdown() {
    var when = document.getElementById("resend-when");
    var button = document.getElementById("resend-button");
    if (!when || !button) return;
    var left = parseInt(when.getAttribute("data-wait"), 10) || 0;
    if (left <= 0) return;
    var wait = document.getElementById("resend-wait");
    var deadline = Date.now() + left * 1000;
    button.disabled = true;
    function tick() {
      var seconds = Math.ceil((deadline - Date.now()) / 1000);
      if (seconds <= 0) {
        button.disabled = false;
        when.textContent = when.getAttribute("data-ready") || "Можно запросить новый код.";
        return;
      }
      var minutes = Math.floor(seconds / 60), rest = seconds % 60;
      wait.textContent = minutes + ":" + (rest < 10 ? "0" : "") + rest;
      window.setTimeout(tick, 250);
    }
    tick();
  }

  // The card on a phone opens at the latest message (the list links to #last for a new reply).
  function openAtLastMessage() {
    var last = document.getElementById("last");
    if (!last || window.location.hash || document.querySelector(".field--error")) return;
    if (!window.matchMedia("(max-width: 48rem)").matches) return;
    last.scrollIntoView({block: "start"});
  }

  // After "load": the browser has done its own scrolling to the #fragment by then, which
  // would otherwise take the focus and the view away again.
  function afterLoad() {
    focusFirstError();
    openAtLastMessage();
  }
  if (document.readyState === "complete") {
    afterLoad();
  } else {
    window.addEventListener("load", afterLoad);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", resendCountdown);
  } else {
    resendCountdown();
  }
})();
