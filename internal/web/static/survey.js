// Survey forms: hide the questions that the answers so far skip (the server drops
// answers to skipped questions in any case, so this is only a convenience).
(function () {
  const qs = Array.from(document.querySelectorAll('.survey-form fieldset.survey-q'));
  if (!qs.length) return;
  const value = (fs) => {
    const checked = fs.querySelector('input:checked');
    return checked ? checked.value : '';
  };
  const matches = (when, answer) => {
    const a = parseInt(answer, 10);
    if (isNaN(a)) return false;
    const [lo, hi] = when.split('-').map((x) => parseInt(x, 10));
    return a >= lo && a <= (isNaN(hi) ? lo : hi);
  };
  const update = () => {
    const shown = new Set();
    for (let i = 0; i < qs.length;) {
      shown.add(i);
      let next = i + 1;
      const answer = value(qs[i]);
      for (const b of JSON.parse(qs[i].dataset.branches || 'null') || []) {
        if (answer !== '' && matches(b.when, answer)) { next = b.goto === 0 ? qs.length : b.goto - 1; break; }
      }
      i = next;
    }
    qs.forEach((fs, i) => { fs.hidden = !shown.has(i); });
  };
  document.addEventListener('change', update);
  update();
})();
