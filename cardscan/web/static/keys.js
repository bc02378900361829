// cardscan workspace: keyboard shortcuts, hand-written, no dependencies.
// Keys act on elements the page marks with data-key="..." (a link is
// followed, a button is clicked, an input is focused), so each page says
// what its keys do and this file holds no page logic.
//   j / ArrowRight  next          k / ArrowLeft  previous
//   a  approve      e  edit       m  merge       d  done      ?  help
//   Escape leaves a field (then the keys work again).
//   Shift+Enter in a form's field clicks its [data-shift-enter] button
//   (Review: save and approve).
// Single keys never act while the cursor is in a field: what is typed stays
// typed.  In a form marked data-field-keys:
//   [data-autofocus]  the input the page opens in, its text selected;
//   Tab / Shift+Tab   the next / previous [data-jump] input (Review: the
//                     highlighted readings), else the browser's usual order;
//   ArrowDown / Up    the next / previous input of any kind.
(function () {
  "use strict";

  var ALIASES = { ArrowRight: "j", ArrowLeft: "k" };
  var FIELDS = 'input:not([type="hidden"]), textarea, select';

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function focusSelect(el) {
    el.focus();
    if (el.select) el.select();
  }

  function act(el) {
    if (el.tagName === "A") {
      window.location.assign(el.href);
    } else if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") {
      focusSelect(el);
    } else {
      el.click();
    }
  }

  // The first element of `list` after `el` in the page (dir 1), or the last
  // one before it (dir -1); null when there is none.
  function neighbour(list, el, dir) {
    var found = null;
    for (var i = 0; i < list.length; i++) {
      var pos = el.compareDocumentPosition(list[i]);
      if (dir > 0 && pos & Node.DOCUMENT_POSITION_FOLLOWING) return list[i];
      if (dir < 0 && pos & Node.DOCUMENT_POSITION_PRECEDING) found = list[i];
    }
    return found;
  }

  // Tab and the up/down arrows inside a data-field-keys form; true if handled.
  function moveInForm(ev) {
    var form = ev.target.form;
    if (!form || !form.hasAttribute("data-field-keys")) return false;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return false;
    var list = null, dir = 0;
    if (ev.key === "Tab") {
      list = form.querySelectorAll("[data-jump]");
      dir = ev.shiftKey ? -1 : 1;
    } else if ((ev.key === "ArrowDown" || ev.key === "ArrowUp") && !ev.shiftKey) {
      list = form.querySelectorAll(FIELDS);
      dir = ev.key === "ArrowDown" ? 1 : -1;
    }
    var next = list && neighbour(list, ev.target, dir);
    if (!next) return false;
    ev.preventDefault();
    focusSelect(next);
    return true;
  }

  var start = document.querySelector("[data-autofocus]");
  if (start) focusSelect(start);

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
    if (typing(ev.target) && moveInForm(ev)) return;
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
