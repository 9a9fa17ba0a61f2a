// Search and filters of the catalog site's index. Plain JavaScript, no libraries, works from file://.
(function () {
  "use strict";
  var table = document.getElementById("standards");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var search = document.getElementById("q");
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var count = document.getElementById("count");
  var empty = document.getElementById("empty");
  var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });

  // A region choice is a province (41) or a city (4101): it takes every division code under it.
  function matches(key, value, wanted) {
    return key === "region" ? value.indexOf(wanted) === 0 : value === wanted;
  }

  function apply() {
    var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = selects.map(function (s) { return [s.getAttribute("data-filter"), s.value]; });
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = words.every(function (w) { return texts[i].indexOf(w) !== -1; }) &&
        wanted.every(function (f) { return !f[1] || matches(f[0], row.getAttribute("data-" + f[0]) || "", f[1]); });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = String(shown);
    empty.hidden = shown !== 0;
    var state = new URLSearchParams();
    if (search.value) { state.set("q", search.value); }
    wanted.forEach(function (f) { if (f[1]) { state.set(f[0], f[1]); } });
    var hash = state.toString();
    if (window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", hash ? "#" + hash : window.location.pathname); } catch (e) { /* file:// in some browsers */ }
    }
  }

  function restore() {
    var state = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    search.value = state.get("q") || "";
    selects.forEach(function (s) { s.value = state.get(s.getAttribute("data-filter")) || ""; });
  }

  search.addEventListener("input", apply);
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  document.getElementById("reset").addEventListener("click", function () {
    search.value = "";
    selects.forEach(function (s) { s.value = ""; });
    apply();
  });
  restore();
  apply();
}());
