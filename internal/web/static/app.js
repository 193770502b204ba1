// Keyboard shortcuts for people who work the console all day: "?" lists them,
// "g" then a letter opens a section, "/" focuses the search box, Ctrl+Enter submits
// the form being edited, "g l" switches the language.
(function () {
  "use strict";
  var pendingG = false, timer = null;

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function openHelp() {
    var d = document.getElementById("shortcuts");
    if (d && !d.open) d.showModal();
  }

  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      var form = e.target && e.target.closest && e.target.closest("form");
      if (form) { e.preventDefault(); form.requestSubmit(); }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    if (pendingG) {
      pendingG = false; clearTimeout(timer);
      if (e.key === "l") {
        var t = document.querySelector("[data-lang-toggle]");
        if (t) { e.preventDefault(); location.href = t.href; }
        return;
      }
      var link = document.querySelector('[data-shortcut="g ' + e.key + '"]');
      if (link) { e.preventDefault(); location.href = link.href; }
      return;
    }
    if (e.key === "g") { pendingG = true; timer = setTimeout(function () { pendingG = false; }, 1200); return; }
    if (e.key === "?") { e.preventDefault(); openHelp(); return; }
    if (e.key === "/") {
      var s = document.querySelector("[data-search]");
      if (s) { e.preventDefault(); s.focus(); s.select(); }
      return;
    }
    // One-letter page actions (n new, e edit, d dispatch, s status...): a link is
    // followed, a form control gets the focus, a button is pressed.
    if (/^[a-z]$/.test(e.key)) {
      var el = document.querySelector('[data-shortcut="' + e.key + '"]');
      if (!el) return;
      e.preventDefault();
      if (el.tagName === "A") location.href = el.href;
      else if (typing(el)) { el.focus(); if (el.scrollIntoView) el.scrollIntoView({ block: "center" }); }
      else el.click();
    }
  });

  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-open-shortcuts]")) { e.preventDefault(); openHelp(); }
  });

  // The user form shows the tier only for agents and the partner only for partner users.
  function syncRole() {
    var sel = document.querySelector("[data-role-select]");
    if (!sel) return;
    document.querySelectorAll("[data-for-role]").forEach(function (el) {
      el.hidden = el.getAttribute("data-for-role") !== sel.value;
    });
  }
  document.addEventListener("change", function (e) {
    if (!e.target.matches) return;
    if (e.target.matches("[data-role-select]")) syncRole();
    // Filters that apply on change (the page's CSP forbids inline handlers).
    if (e.target.matches("[data-autosubmit]")) e.target.form.requestSubmit();
  });
  document.addEventListener("DOMContentLoaded", syncRole);
})();
