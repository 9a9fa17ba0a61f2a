// Search, filters and paging of the catalog site's index. Plain JavaScript, no libraries, works from file://.
//
// The rows come from assets/index-data.js (a script that assigns window.GBSTD_INDEX, because fetch() of a local
// JSON file is blocked under file://). Only one page of rows is in the DOM at a time, so 100 000 standards stay
// responsive; every cell is built with textContent, never innerHTML, so record text cannot inject markup.
// Without the data file (an older, overriding index template) the rows already in the table are used instead.
(function () {
  "use strict";
  var table = document.getElementById("standards");
  if (!table) { return; }
  var body = table.tBodies[0];
  var search = document.getElementById("q");
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var count = document.getElementById("count");
  var empty = document.getElementById("empty");
  var pager = document.getElementById("pager");
  var PAGE = Number(table.getAttribute("data-page-size")) || 100;
  var data = window.GBSTD_INDEX;

  // Row layout of GBSTD_INDEX.rows: code, title, page file stem, then indexes into the lookup tables
  // (each entry is [filter value, label]), the effective date, an index into the issuers and the member.
  var C_CODE = 0, C_TITLE = 1, C_STEM = 2, C_TIER = 3, C_REGION = 4, C_STATUS = 5, C_MODULE = 6,
    C_EFFECTIVE = 7, C_REVIEW = 8, C_ISSUER = 9, C_MEMBER = 10;
  var FILTER_COLUMNS = { tier: C_TIER, region: C_REGION, status: C_STATUS, module: C_MODULE, review: C_REVIEW,
    member: C_MEMBER };
  // A federation's index has a 成员 (member) column, after the region (the template writes its header).
  var members = !!(data && data.members && data.member);

  // Text as the search compares it, query and rows alike (as gbstd.searchtext folds it for the editor): NFKC
  // makes an input method's full-width ＧＢ／Ｔ４１５６８ and a title's no-break or ideographic space ASCII and a
  // plain space, then lower case.
  function fold(text) { return (text.normalize ? text.normalize("NFKC") : text).toLowerCase(); }
  // A code without its spaces too, so that one typed without them (GB/T41568) is found as a word.
  function bareCode(code) { return fold(code).replace(/\s+/g, ""); }

  var rows, haystacks, domRows = null;
  if (data && data.rows) {
    rows = data.rows;
    // One folded string per row, built once: a search is then one indexOf per word and row.
    haystacks = new Array(rows.length);
    for (var i = 0; i < rows.length; i += 1) {
      var r = rows[i];
      haystacks[i] = fold([r[C_CODE], r[C_TITLE], data.tier[r[C_TIER]][1], data.region[r[C_REGION]][1],
        data.status[r[C_STATUS]][1], data.module[r[C_MODULE]][1], r[C_EFFECTIVE], data.review[r[C_REVIEW]][1],
        data.issuer[r[C_ISSUER]], members ? data.member[r[C_MEMBER]][1] : "", bareCode(r[C_CODE])].join("\u0001"));
    }
  } else {
    domRows = Array.prototype.slice.call(body.rows);
    rows = domRows;
    haystacks = domRows.map(function (row) {
      return fold(row.textContent) + "\u0001" + bareCode(row.cells.length ? row.cells[0].textContent : "");
    });
  }
  var matches = [];
  var current = 0;

  // A region choice is a province (41) or a city (4101): it takes every division code under it; a member
  // choice takes the members federated under it too ("江苏" takes "江苏/南京").
  function choiceTakes(key, value, wanted) {
    if (key === "region") { return value.indexOf(wanted) === 0; }
    if (key === "member") { return value === wanted || value.indexOf(wanted + "/") === 0; }
    return value === wanted;
  }

  function wantedFilters() {
    return selects.filter(function (s) { return s.value; }).map(function (s) {
      var key = s.getAttribute("data-filter");
      if (domRows) { return { key: key, value: s.value }; }
      // Which lookup entries this choice accepts, so the row test is one array read.
      var accepted = (data[key] || []).map(function (entry) { return choiceTakes(key, entry[0], s.value); });
      return { column: FILTER_COLUMNS[key], accepted: accepted };
    });
  }

  // All haystacks in one string, rows separated by "\u0000", with each row's start: the first search word is
  // found by the engine's native indexOf over the whole text, jumping from hit to hit, instead of one call per
  // row; at 100 000 rows that is what keeps a search well under 200 ms.
  var text = haystacks.join("\u0000");
  var starts = new Int32Array(haystacks.length + 1);
  for (var s = 0, at = 0; s < haystacks.length; s += 1) { starts[s] = at; at += haystacks[s].length + 1; }
  starts[haystacks.length] = text.length + 1;

  function rowAt(position, from) {  // the row whose text holds position: binary search from row `from`
    var lo = from, hi = haystacks.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= position) { lo = mid; } else { hi = mid - 1; }
    }
    return lo;
  }

  function accepted(i, wanted, words, from) {
    for (var j = 0; j < wanted.length; j += 1) {
      if (domRows ? !choiceTakes(wanted[j].key, rows[i].getAttribute("data-" + wanted[j].key) || "", wanted[j].value)
        : wanted[j].accepted[rows[i][wanted[j].column]] !== true) { return false; }
    }
    for (j = from; j < words.length; j += 1) {
      if (haystacks[i].indexOf(words[j]) === -1) { return false; }
    }
    return true;
  }

  function filter() {
    var words = fold(search.value).trim().split(/\s+/).filter(Boolean);
    // Longest word first: usually the rarest, so the fewest hits to check the rest against.
    words.sort(function (a, b) { return b.length - a.length; });
    var wanted = wantedFilters();
    var found = [], i;
    if (!words.length) {
      for (i = 0; i < rows.length; i += 1) { if (accepted(i, wanted, words, 0)) { found.push(i); } }
      return found;
    }
    var position = text.indexOf(words[0]), row = 0;
    while (position !== -1) {
      row = rowAt(position, row);
      if (accepted(row, wanted, words, 1)) { found.push(row); }
      row += 1;
      if (row >= haystacks.length) { break; }
      position = text.indexOf(words[0], starts[row]);
    }
    return found;
  }

  function cell(tr, text, className) {
    var td = document.createElement("td");
    if (className) { td.className = className; }
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  function buildRow(r) {
    var tr = document.createElement("tr");
    var status = data.status[r[C_STATUS]][1];
    var link = document.createElement("a");
    link.href = "standards/" + r[C_STEM] + ".html";
    link.textContent = r[C_CODE];
    cell(tr, "", "code").appendChild(link);
    cell(tr, r[C_TITLE]);
    cell(tr, data.tier[r[C_TIER]][1]);
    cell(tr, data.region[r[C_REGION]][1]);
    if (members) { cell(tr, data.member[r[C_MEMBER]][1], "member"); }
    cell(tr, status, "status status-" + status);
    cell(tr, data.module[r[C_MODULE]][1]);
    cell(tr, r[C_EFFECTIVE]);
    cell(tr, data.review[r[C_REVIEW]][1]);
    return tr;
  }

  function pages() { return Math.max(1, Math.ceil(matches.length / PAGE)); }

  function show() {
    current = Math.min(Math.max(current, 0), pages() - 1);
    var start = current * PAGE, end = Math.min(start + PAGE, matches.length);
    if (domRows) {
      var visible = {};
      for (var k = start; k < end; k += 1) { visible[matches[k]] = true; }
      domRows.forEach(function (row, index) { row.hidden = !visible[index]; });
    } else {
      var fragment = document.createDocumentFragment();
      for (var i = start; i < end; i += 1) { fragment.appendChild(buildRow(rows[matches[i]])); }
      while (body.firstChild) { body.removeChild(body.firstChild); }
      body.appendChild(fragment);
    }
    count.textContent = String(matches.length);
    empty.hidden = matches.length !== 0;
    if (pager) {
      pager.hidden = matches.length <= PAGE;
      document.getElementById("page-no").textContent = String(current + 1);
      document.getElementById("page-count").textContent = String(pages());
      document.getElementById("prev").disabled = current === 0;
      document.getElementById("next").disabled = current >= pages() - 1;
    }
    remember();
  }

  function remember() {
    var state = new URLSearchParams();
    if (search.value) { state.set("q", search.value); }
    selects.forEach(function (s) { if (s.value) { state.set(s.getAttribute("data-filter"), s.value); } });
    if (current > 0) { state.set("page", String(current + 1)); }
    var hash = state.toString();
    if (window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", hash ? "#" + hash : window.location.pathname); } catch (e) { /* file:// in some browsers */ }
    }
  }

  function apply() {
    matches = filter();
    current = 0;
    show();
  }

  function restore() {
    var state = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    search.value = state.get("q") || "";
    selects.forEach(function (s) { s.value = state.get(s.getAttribute("data-filter")) || ""; });
    matches = filter();
    current = (Number(state.get("page")) || 1) - 1;
    show();
  }

  search.addEventListener("input", apply);
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  document.getElementById("reset").addEventListener("click", function () {
    search.value = "";
    selects.forEach(function (s) { s.value = ""; });
    apply();
  });
  if (pager) {
    document.getElementById("prev").addEventListener("click", function () { current -= 1; show(); });
    document.getElementById("next").addEventListener("click", function () { current += 1; show(); });
  }
  restore();
}());
