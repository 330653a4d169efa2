"use strict";
// The report's only script: lazy article rendering, raw/clean toggle, sortable
// tables and jumps to a quote. Text is inserted as text nodes, never as HTML.
(function () {
  const KINDS = ["ent", "qty", "tim", "cut"];

  // Spans arrive sorted by start (longer first) and properly nested (see layout_spans).
  function buildText(box, text, spans, labels) {
    const root = document.createDocumentFragment();
    const stack = [{ el: root, end: Infinity }];
    let pos = 0;
    function closeUntil(limit) {
      while (stack.length > 1 && stack[stack.length - 1].end <= limit) {
        const top = stack.pop();
        if (top.end > pos) { top.el.append(text.slice(pos, top.end)); pos = top.end; }
      }
    }
    for (const [s, e, k, label] of spans) {
      closeUntil(s);
      const parent = stack[stack.length - 1].el;
      if (s > pos) { parent.append(text.slice(pos, s)); pos = s; }
      const el = document.createElement("span");
      el.className = "hl " + KINDS[k];
      el.title = labels[label];
      parent.append(el);
      stack.push({ el: el, end: e });
    }
    closeUntil(Infinity);
    if (pos < text.length) root.append(text.slice(pos));
    box.replaceChildren(root);
  }

  function data(det) {
    if (!det._data) det._data = JSON.parse(det.querySelector("script.art-data").textContent);
    return det._data;
  }

  function render(det) {
    const raw = det.querySelector(".raw-toggle").checked;
    const box = det.querySelector(raw ? ".text.raw" : ".text.clean");
    det.querySelector(".text.raw").hidden = !raw;
    det.querySelector(".text.clean").hidden = raw;
    if (box.dataset.done) return;
    const d = data(det);
    if (raw) buildText(box, d.raw, d.rawSpans, d.labels); else buildText(box, d.clean, d.spans, d.labels);
    box.dataset.done = "1";
  }

  document.addEventListener("toggle", function (ev) {
    const det = ev.target;
    if (det.matches && det.matches("details.article") && det.open) render(det);
  }, true);

  document.addEventListener("change", function (ev) {
    if (ev.target.matches(".raw-toggle")) render(ev.target.closest("details.article"));
  });

  // Sortable tables: click a header; numbers by data-sort, blanks last.
  function sortBy(th) {
    const table = th.closest("table");
    const body = table.tBodies[0];
    const idx = Array.prototype.indexOf.call(th.parentNode.children, th);
    const num = th.dataset.type === "num";
    const dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    const rows = Array.from(body.rows).map(function (tr) {
      const cell = tr.cells[idx];
      const v = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
      return [num ? (v === "" ? NaN : parseFloat(v)) : v.toLowerCase(), tr];
    });
    rows.sort(function (a, b) {
      const x = a[0], y = b[0];
      const xb = num ? isNaN(x) : x === "", yb = num ? isNaN(y) : y === "";
      if (xb || yb) return xb === yb ? 0 : (xb ? 1 : -1);
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
    const frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r[1]); });
    body.appendChild(frag);
    paginate(table);
  }

  // A long table shows its first PAGE rows; the others stay in the page, so sorting sees them,
  // but are not laid out until asked for (60,000 fact rows took 25 s to lay out).
  const PAGE = 200;
  function paginate(table) {
    const rows = table.tBodies[0].rows;
    const all = table.dataset.shown === "all";
    for (let i = 0; i < rows.length; i++) rows[i].classList.toggle("later", !all && i >= PAGE);
    let more = table.nextElementSibling;
    const has = more && more.classList.contains("show-all");
    if (rows.length > PAGE && !all && !has) {
      more = document.createElement("button");
      more.type = "button";
      more.className = "show-all";
      more.textContent = "Show all " + rows.length + " rows (the first " + PAGE + " are shown)";
      more.addEventListener("click", function () { table.dataset.shown = "all"; paginate(table); });
      table.after(more);
    } else if (all && has) {
      more.remove();
    }
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th) {
      th.addEventListener("click", function () { sortBy(th); });
    });
    paginate(table);
  });

  // Jump to a quote: #src-<article>-<start>-<end> opens the article and marks those characters.
  function rangeAt(box, start, end) {
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let pos = 0, node, begun = false;
    while ((node = walker.nextNode())) {
      const len = node.data.length;
      if (!begun && start < pos + len) { range.setStart(node, start - pos); begun = true; }
      if (begun && end <= pos + len) { range.setEnd(node, end - pos); return range; }
      pos += len;
    }
    return null;
  }

  function jump(hash) {
    const m = /^#src-([0-9a-f]+)-(\d+)-(\d+)$/.exec(hash);
    if (!m) return;
    const det = document.getElementById("art-" + m[1]);
    if (!det) return;
    det.querySelector(".raw-toggle").checked = false;
    det.open = true;
    render(det);
    const box = det.querySelector(".text.clean");
    const range = rangeAt(box, +m[2], +m[3]);
    if (!range) { det.scrollIntoView(); return; }
    if (window.CSS && CSS.highlights && typeof Highlight === "function") {
      CSS.highlights.set("quote", new Highlight(range));
    } else {
      const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
    }
    const el = range.startContainer.parentElement;
    det.scrollIntoView();
    el.scrollIntoView({ block: "center" });
  }

  document.addEventListener("click", function (ev) {
    const a = ev.target.closest ? ev.target.closest("a[href^='#src-']") : null;
    if (!a) return;
    const href = a.getAttribute("href");
    if (location.hash === href) { ev.preventDefault(); jump(href); }
  });
  window.addEventListener("hashchange", function () { jump(location.hash); });
  if (location.hash) jump(location.hash);
})();
