// The ticket card's reply box: Ctrl+Enter (⌘+Enter) sends to the client; a saved reply
// chosen in the list goes into the text at once. Without JavaScript the same works with
// the «Отправить клиенту» button and the «Вставить» button next to the list.
"use strict";
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  var text = document.querySelector("textarea.ticket-reply");
  var send = document.querySelector(".js-reply-send");
  if (!text || !send) return;
  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send.click();
    }
  });
  var picker = document.querySelector(".js-reply-template");
  if (!picker) return;
  picker.addEventListener("change", function () {
    var option = picker.options[picker.selectedIndex];
    var saved = option && option.getAttribute("data-text");
    if (!saved) return;
    var at = text.selectionStart || text.value.length;
    var before = text.value.slice(0, at), after = text.value.slice(at);
    var gap = before && !/\n$/.test(before) ? "\n" : "";
    text.value = before + gap + saved + after;
    text.focus();
    picker.selectedIndex = 0;
  });
});
