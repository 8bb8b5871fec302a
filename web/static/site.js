// Compact's pages work without this script. With it: a refused form's
// error summary takes focus, and a process's overview follows the record's
// event stream, refreshing its status and announcing what happened.
"use strict";

(function () {
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // A receipt's print button: without the script, the browser's own print.
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });

  var live = document.querySelector("[data-live-events]");
  if (!live || !window.EventSource || !window.fetch) return;

  var dataEl = document.getElementById("live-data");
  var data = dataEl ? JSON.parse(dataEl.textContent) : { messages: {}, stages: {} };
  var announcer = document.getElementById("live-announcer");
  var target = document.getElementById(live.getAttribute("data-live-target"));
  var fragment = live.getAttribute("data-live-fragment");
  var pending = null;

  function announce(text) {
    if (!announcer || !text) return;
    // Cleared first, so that the same words twice are read twice.
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function load() {
    fetch(fragment, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (html) { if (html !== null && target) target.innerHTML = html; })
      .catch(function () {});
  }

  // Refreshes the status soon after an event, and once more after the
  // API's status cache (a second) has surely caught up with the record.
  function refresh() {
    if (pending) window.clearTimeout(pending);
    window.setTimeout(load, 250);
    pending = window.setTimeout(function () { pending = null; load(); }, 1500);
  }

  var source = new EventSource(live.getAttribute("data-live-events"));
  Object.keys(data.messages).forEach(function (name) {
    source.addEventListener(name, function (ev) {
      var entry = {};
      try { entry = JSON.parse(ev.data); } catch (e) {}
      var stage = data.stages[entry.stageId] || entry.stageId || "";
      announce(data.messages[name].replace("{stage}", stage));
      refresh();
    });
  });
  source.onopen = function () {
    var state = document.getElementById("live-state");
    if (state) state.hidden = false;
  };
  live.setAttribute("data-live-state", "connected");
})();
