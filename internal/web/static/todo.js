// Shortcuts of the to-do list: "t" starts a new to-do, "j"/"k" move between to-dos and
// "x" marks the selected one done.
(function () {
  "use strict";
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-todo]"));
    var current = document.activeElement && document.activeElement.closest ? document.activeElement.closest("tr[data-todo]") : null;
    if (e.key === "t") {
      var title = document.querySelector('[data-key="t"]');
      if (title) { e.preventDefault(); title.focus(); }
    } else if ((e.key === "j" || e.key === "k") && rows.length) {
      var i = rows.indexOf(current);
      i = e.key === "j" ? Math.min(rows.length - 1, i + 1) : Math.max(0, i - 1);
      e.preventDefault();
      rows[i].focus();
    } else if (e.key === "x" && current) {
      var form = current.querySelector("form[data-done]");
      if (form) { e.preventDefault(); form.requestSubmit(); }
    }
  });
})();
