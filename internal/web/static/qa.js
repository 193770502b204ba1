// Quality: the evaluation screen's player (speed, skip ±5 s, keys j k l, [ and ] for
// speed) and the score computed as the evaluator answers, the same way as
// internal/qa Form.Score: item = value/max, section = weighted mean of its items, total =
// weighted mean of the sections on 0-100; a critical item answered 0 fails (score 0).
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
  var audio = document.getElementById("qa-audio");
  var rates = [0.5, 0.75, 1, 1.25, 1.5, 2];
  if (audio) {
    var skip = function (s) { audio.currentTime = Math.max(0, Math.min((audio.duration || Infinity), audio.currentTime + s)); };
    var toggle = function () { if (audio.paused) { audio.play(); } else { audio.pause(); } };
    var rate = function (r) {
      audio.playbackRate = r;
      document.querySelectorAll("[data-rate]").forEach(function (b) { b.classList.toggle("primary", Number(b.dataset.rate) === r); });
    };
    document.querySelectorAll("[data-skip]").forEach(function (b) { b.addEventListener("click", function () { skip(Number(b.dataset.skip)); }); });
    document.querySelectorAll("[data-rate]").forEach(function (b) { b.addEventListener("click", function () { rate(Number(b.dataset.rate)); }); });
    document.querySelectorAll("[data-play]").forEach(function (b) { b.addEventListener("click", toggle); });
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.ctrlKey || e.metaKey || e.altKey || (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))) { return; }
      var i = rates.indexOf(audio.playbackRate);
      switch (e.key) {
        case "j": skip(-5); break;
        case "l": skip(5); break;
        case "k": toggle(); break;
        case "[": rate(rates[Math.max(0, (i < 0 ? 2 : i) - 1)]); break;
        case "]": rate(rates[Math.min(rates.length - 1, (i < 0 ? 2 : i) + 1)]); break;
        default: return;
      }
      e.preventDefault();
    });
  }
  var form = document.getElementById("qa-form");
  if (!form) { return; }
  var out = document.getElementById("qa-score"), failedBadge = document.getElementById("qa-failed");
  function value(item) {
    var checked = item.querySelector("input[type=radio]:checked");
    if (checked) { return Number(checked.value); }
    var num = item.querySelector("input[type=number]");
    if (num && num.value !== "") { return Number(num.value); }
    return null;
  }
  function score() {
    var total = 0, totalWeight = 0, failed = false, complete = true;
    form.querySelectorAll("fieldset[data-section-weight]").forEach(function (fs) {
      var sum = 0, weight = 0;
      fs.querySelectorAll(".qa-item").forEach(function (item) {
        var v = value(item), max = Number(item.dataset.max), w = Number(item.dataset.weight);
        if (v === null || isNaN(v) || v < 0 || v > max) { complete = false; v = 0; }
        if (item.hasAttribute("data-critical") && v === 0 && value(item) !== null) { failed = true; }
        sum += w * v / max;
        weight += w;
      });
      var sw = Number(fs.dataset.sectionWeight);
      total += sw * (weight ? sum / weight : 0);
      totalWeight += sw;
    });
    var s = totalWeight ? Math.round(total / totalWeight * 10000) / 100 : 0;
    if (failed) { s = 0; }
    out.textContent = (complete || failed ? "" : "≥ ") + s;
    failedBadge.hidden = !failed;
  }
  form.addEventListener("input", score);
  form.addEventListener("change", score);
  score();
})();
