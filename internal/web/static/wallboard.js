// Live timers for the wallboard and the agent console: [data-since-ms] counts up from a
// moment, [data-until-ms] counts down to one. The pages themselves are pushed over
// server-sent events (/live); this only ticks the clocks between pushes.
(function () {
  "use strict";
  function fmt(ms) {
    var s = Math.max(0, Math.floor(ms / 1000)), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    s = s % 60;
    return (h ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-since-ms]").forEach(function (el) {
      el.textContent = fmt(now - Number(el.getAttribute("data-since-ms")));
    });
    document.querySelectorAll("[data-until-ms]").forEach(function (el) {
      var left = Number(el.getAttribute("data-until-ms")) - now;
      el.textContent = (left < 0 ? "+" : "") + fmt(Math.abs(left));
      el.classList.toggle("late", left < 0);
    });
  }
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
  document.addEventListener("htmx:sseMessage", tick);
  setInterval(tick, 1000);
})();
