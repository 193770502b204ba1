// The agent console's live stream: GET /live?view=agent pushes "status" (the state bar
// and call panel) and "pop" (the screen pop of a call offered to this agent). The call
// panel is replaced only when the agent's state or call changes, so a half-typed wrap-up
// or transfer target is not lost.
(function () {
  "use strict";
  function process(el) { if (window.htmx) window.htmx.process(el); }

  function status(html) {
    var cur = document.getElementById("agent-panel");
    if (!cur) return;
    var box = document.createElement("div");
    box.innerHTML = html;
    var next = box.querySelector("#agent-panel");
    if (!next) return;
    var busy = cur.contains(document.activeElement) && document.activeElement.tagName !== "BODY";
    if (cur.getAttribute("data-phase") !== next.getAttribute("data-phase") || !busy) {
      cur.replaceWith(next);
      process(next);
      return;
    }
    var bar = cur.querySelector("#agent-bar"), nbar = next.querySelector("#agent-bar");
    if (bar && nbar) { bar.replaceWith(nbar); process(nbar); }
  }

  function pop(html) {
    var el = document.getElementById("agent-pop");
    if (!el) return;
    el.innerHTML = html;
    el.classList.add("ringing");
    process(el);
    var title = document.title;
    document.title = "☎ " + title;
    setTimeout(function () { document.title = title; el.classList.remove("ringing"); }, 8000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-agent-console]");
    if (!root || !window.EventSource) return;
    var es = new EventSource(root.getAttribute("data-live"));
    es.addEventListener("status", function (e) { status(e.data); });
    es.addEventListener("pop", function (e) { pop(e.data); });
    es.addEventListener("open", function () { root.setAttribute("data-connected", "1"); });
    window.addEventListener("pagehide", function () { es.close(); });
  });
})();
