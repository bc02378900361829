// cardscan workspace: a draft edited on the Today page is kept for its task.
// Each edit is posted (with the page's CSRF token) a moment after typing stops;
// the server stores it and answers with the "Email" link rebuilt by the library
// (RFC 6068).  The link, Done and snooze wait for a save still on its way, so
// what is sent is what is on the screen.  Without JavaScript the form's own
// "Save draft" and "Reset to the template" buttons do the same with a reload.
(function () {
  "use strict";
  var DELAY = 400;
  var states = new WeakMap();

  function state(form) {
    var s = states.get(form);
    if (!s) {
      s = { timer: null, dirty: false, saving: null };
      states.set(form, s);
    }
    return s;
  }

  function draftOf(el) {
    var task = el.closest && el.closest(".task");
    return task ? task.querySelector("form[data-draft]") : null;
  }

  // data-state on the form: editing, saving, saved or failed.
  function say(form, state, text) {
    form.dataset.state = state;
    var status = form.querySelector(".status");
    if (status) status.textContent = text;
  }

  function post(form, body) {
    return fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin", keepalive: true,
      headers: { Accept: "application/json" },
    });
  }

  function apply(form, data) {
    var link = form.closest(".task").querySelector("a.mailto");
    if (link && data.mailto) link.href = data.mailto;
    form.querySelectorAll(".edited-note, .reset-draft").forEach(function (el) {
      el.hidden = !data.edited;
    });
  }

  // Post the form now if it changed; the promise settles when every save
  // started so far has landed (saves run one after another, in order).
  function save(form) {
    var s = state(form);
    clearTimeout(s.timer);
    s.timer = null;
    if (!s.dirty) return s.saving || Promise.resolve();
    s.dirty = false;
    var body = new URLSearchParams(new FormData(form));
    say(form, "saving", "Saving…");
    var run = (s.saving || Promise.resolve())
      .then(function () { return post(form, body); })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (data) {
        apply(form, data);
        if (!s.dirty) say(form, "saved", "Saved.");
      })
      .catch(function () {
        s.dirty = true;
        say(form, "failed", "Not saved: reload the page and try again.");
      });
    s.saving = run;
    run.then(function () { if (s.saving === run) s.saving = null; });
    return run;
  }

  function busy(form) {
    var s = state(form);
    return s.dirty || s.saving !== null;
  }

  document.querySelectorAll("form[data-draft] .save-draft").forEach(function (b) {
    b.hidden = true; // saved as typed
  });

  document.addEventListener("input", function (ev) {
    var form = ev.target.form;
    if (!form || !form.hasAttribute("data-draft")) return;
    var s = state(form);
    s.dirty = true;
    say(form, "editing", "Editing…");
    var box = ev.target;
    while (box.tagName === "TEXTAREA" && box.scrollHeight > box.clientHeight && box.rows < 40) {
      box.rows += 1; // the whole message stays in view
    }
    clearTimeout(s.timer);
    s.timer = setTimeout(function () { save(form); }, DELAY);
  });

  // Leaving the page (reload, a link) with typing not yet saved: send it now.
  window.addEventListener("beforeunload", function () {
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      var s = state(form);
      if (!s.dirty) return;
      s.dirty = false;
      clearTimeout(s.timer);
      post(form, new URLSearchParams(new FormData(form)));
    });
  });

  document.addEventListener("change", function (ev) {
    var form = ev.target.form;
    if (form && form.hasAttribute("data-draft")) save(form);
  });

  // The Email link opens the mail client with the text as saved.
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a.mailto");
    var form = link && draftOf(link);
    if (!form || !busy(form)) return;
    ev.preventDefault();
    save(form).then(function () { window.location.href = link.href; });
  });

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.hasAttribute("data-draft")) {
      if (ev.submitter && ev.submitter.classList.contains("reset-draft")) return; // a reload
      ev.preventDefault(); // Enter in the subject: save in place
      state(form).dirty = true;
      save(form);
      return;
    }
    var draft = draftOf(form); // Done / snooze: after the draft has landed
    if (!draft || !busy(draft)) return;
    ev.preventDefault();
    var submitter = ev.submitter;
    save(draft).then(function () { form.requestSubmit(submitter || undefined); });
  });
})();
