// cardscan workspace: an edited draft updates its "Email" link.  The server
// builds the mailto: URL (the library's RFC 6068 encoding); this only asks.
(function () {
  "use strict";
  var timers = new WeakMap();

  function refresh(task) {
    var link = task.querySelector("a.mailto[data-mailto-url]");
    if (!link) return;
    var subject = task.querySelector(".subject");
    var body = task.querySelector(".body");
    var params = new URLSearchParams();
    if (subject) params.set("subject", subject.value);
    if (body) params.set("body", body.value);
    fetch(link.dataset.mailtoUrl + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && data.mailto) link.href = data.mailto; });
  }

  document.addEventListener("input", function (ev) {
    var task = ev.target.closest && ev.target.closest(".task");
    if (!task || !ev.target.matches(".subject, .body")) return;
    clearTimeout(timers.get(task));
    timers.set(task, setTimeout(function () { refresh(task); }, 250));
  });
})();
