// cardscan workspace: keyboard shortcuts, hand-written, no dependencies.
// Keys act on elements the page marks with data-key="..." (a link is
// followed, a button is clicked, an input is focused), so each page says
// what its keys do and this file holds no page logic.
//   j / ArrowRight  next          k / ArrowLeft  previous
//   a  approve      e  edit       m  merge       d  done      ?  help
//   Escape leaves a field (then the keys work again).
//   Shift+Enter in a form's field clicks its [data-shift-enter] button
//   (Review: save and approve).
(function () {
  "use strict";

  var ALIASES = { ArrowRight: "j", ArrowLeft: "k" };

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function act(el) {
    if (el.tagName === "A") {
      window.location.assign(el.href);
    } else if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") {
      el.focus();
      if (el.select) el.select();
    } else {
      el.click();
    }
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && ev.shiftKey && ev.target.form) {
      var id = ev.target.form.id;
      var button = id && document.querySelector('button[form="' + id + '"][data-shift-enter]');
      if (button) {
        ev.preventDefault();
        button.click();
        return;
      }
    }
    if (ev.key === "Escape" && typing(document.activeElement)) {
      document.activeElement.blur();
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
    var key = ALIASES[ev.key] || ev.key;
    if (key === "?") {
      var help = document.getElementById("key-help");
      if (help) help.hidden = !help.hidden;
      return;
    }
    if (!/^[a-z]$/.test(key)) return;
    var target = document.querySelector('[data-key="' + key + '"]');
    if (!target) return;
    ev.preventDefault();
    act(target);
  });
})();
