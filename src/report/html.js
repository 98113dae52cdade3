// The HTML report's filters: risk, provider, location, path, and a lifetime x scope cell.
// Everything is in the page already; this only hides findings, so the report works offline and
// reads in full with scripts off.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.getElementById("filters");
  if (!form) return;
  var findings = Array.prototype.slice.call(document.querySelectorAll("article.finding"));
  var cells = Array.prototype.slice.call(document.querySelectorAll(".grid td[data-lifetime]"));
  var shown = document.getElementById("shown");
  var cell = null;

  function apply() {
    var risks = {};
    form.querySelectorAll("input[name=risk]").forEach(function (c) {
      risks[c.value] = c.checked;
    });
    var provider = form.elements.provider.value;
    var location = form.elements.location.value;
    var path = form.elements.path.value.toLowerCase();
    var n = 0;
    findings.forEach(function (f) {
      var d = f.dataset;
      var on = risks[d.risk] &&
        (!provider || d.provider === provider) &&
        (!location || d.location === location) &&
        (!path || d.path.toLowerCase().indexOf(path) >= 0) &&
        (!cell || (d.lifetime === cell.dataset.lifetime && d.scope === cell.dataset.scope));
      f.hidden = !on;
      if (on) n++;
    });
    cells.forEach(function (td) {
      td.classList.toggle("on", td === cell);
    });
    shown.textContent = n + " of " + findings.length + " shown";
  }

  cells.forEach(function (td) {
    td.addEventListener("click", function () {
      cell = cell === td ? null : td;
      apply();
    });
  });
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () {
    cell = null;
    setTimeout(apply, 0);
  });
  apply();
})();
