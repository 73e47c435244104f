// The network viewer (/networks/<name>): Cytoscape.js (vendored in ./cytoscape) on the
// network's Cytoscape.js JSON (/networks/<name>.cyjs with the page's options).
// Filters: a year window, relations, sources; search by name; node and edge details; every
// node links to its entity page. Plain JS, no build step; `window.cy` is the Cytoscape core.
(function () {
  "use strict";

  const root = document.getElementById("network-viewer");
  const status = document.getElementById("network-status");
  const details = document.getElementById("network-details");
  const $ = (id) => document.getElementById(id);
  const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"];
  const BASE = "https://w3id.org/kazcinema/";

  function year(value) {
    if (value === undefined || value === null || value === "") return null;
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }

  function list(value) {
    if (value === undefined || value === null || value === "") return [];
    return String(value).split(";").map((s) => s.trim()).filter(Boolean);
  }

  function fold(text) { // case and diacritics folded, for search
    return String(text || "").normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  }

  function element(tag, text, attrs) {
    const el = document.createElement(tag);
    if (text !== undefined && text !== null) el.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
    return el;
  }

  function localPath(iri) { // a dataset IRI as a path on this host
    return iri.startsWith(BASE) ? "/" + iri.slice(BASE.length) : iri;
  }

  // Cytoscape.js JSON: {elements: {nodes: [...], edges: [...]}} or {elements: [...]}
  function elementsOf(json) {
    const els = json.elements || json;
    if (Array.isArray(els)) return els;
    return [...(els.nodes || []).map((n) => ({ group: "nodes", data: n.data })),
      ...(els.edges || []).map((e) => ({ group: "edges", data: e.data }))];
  }

  fetch(root.dataset.url, { headers: { Accept: "application/json" } })
    .then((r) => {
      if (!r.ok) return r.text().then((t) => { throw new Error(t || r.statusText); });
      return r.json();
    })
    .then(start)
    .catch((err) => { status.textContent = "The network could not be loaded: " + err.message; });

  function start(json) {
    let metric = $("network-size").value; // node size by this metric
    let range = null; // its smallest and largest value
    const cy = cytoscape({
      container: $("network-canvas"),
      elements: elementsOf(json),
      minZoom: 0.05, maxZoom: 5,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 10, "min-zoomed-font-size": 7,
          "text-valign": "bottom", "text-margin-y": 2, "color": "#333",
          "background-color": (n) => colour(n.data("community")),
          "width": (n) => size(n), "height": (n) => size(n) } },
        { selector: "edge", style: {
          "width": (e) => 1 + Math.log2(Math.max(1, Number(e.data("weight")) || 1)),
          "line-color": "#999", "curve-style": "bezier", "opacity": 0.8,
          "target-arrow-shape": json.directed === false ? "none" : "triangle",
          "target-arrow-color": "#999", "arrow-scale": 1 } },
        { selector: ".hidden", style: { "display": "none" } },
        { selector: "node.match", style: { "border-width": 4, "border-color": "#e00",
          "font-size": 14, "font-weight": "bold", "z-index": 10 } },
        { selector: "node:selected", style: { "border-width": 4, "border-color": "#000" } },
        { selector: "edge:selected", style: { "line-color": "#000", "target-arrow-color": "#000",
          "opacity": 1 } },
      ],
      layout: { name: "cose", animate: false, randomize: true, nodeDimensionsIncludeLabels: false,
        idealEdgeLength: () => 60, nodeRepulsion: () => 8000, numIter: 1500 },
    });
    window.cy = cy;
    const total = { nodes: cy.nodes().length, edges: cy.edges().length };

    function metricRange(nodes, name) {
      const values = nodes.map((n) => Number(n.data(name)) || 0);
      return { min: Math.min(0, ...values), max: Math.max(0, ...values) };
    }
    function size(n) {
      range = range || metricRange(n.cy().nodes(), metric);
      const v = Number(n.data(metric)) || 0;
      const span = range.max - range.min;
      return 14 + 46 * Math.sqrt(span > 0 ? (v - range.min) / span : 0);
    }
    function colour(community) {
      const c = Number(community);
      return Number.isInteger(c) && c >= 0 ? PALETTE[c % PALETTE.length] : "#999";
    }

    // --- the filters -----------------------------------------------------------------------
    const years = cy.elements().toArray().flatMap((e) => [year(e.data("start")), year(e.data("end"))])
      .filter((y) => y !== null);
    const from = $("network-year-from");
    const to = $("network-year-to");
    if (years.length) {
      const lo = Math.min(...years);
      const hi = Math.max(...years);
      for (const input of [from, to]) { input.min = lo; input.max = hi; }
      from.value = lo;
      to.value = hi;
    } else {
      $("network-years").replaceChildren(element("legend", "Years"),
        element("p", "Nothing in this network is dated."));
    }
    checkboxes("network-relations", "relation",
      cy.edges().toArray().flatMap((e) => list(e.data("relation"))), (v) => v);
    checkboxes("network-sources", "source", cy.edges().toArray().flatMap((e) => list(e.data("sources"))),
      (v) => element("a", v, { href: "/source/" + encodeURIComponent(v) }));

    function checkboxes(id, kind, values, labelOf) {
      const counts = new Map();
      for (const v of values) counts.set(v, (counts.get(v) || 0) + 1);
      const box = $(id);
      if (!counts.size) box.append(element("p", `No ${kind}s.`));
      for (const v of [...counts.keys()].sort()) {
        const label = element("label");
        const input = element("input", null, { type: "checkbox", value: v });
        input.checked = true;
        input.dataset[kind] = v;
        input.addEventListener("change", applyFilters);
        label.append(input, " ", labelOf(v), ` (${counts.get(v)})`);
        box.append(label);
      }
    }
    function checked(id) {
      return new Set([...$(id).querySelectorAll("input:checked")].map((i) => i.value));
    }

    function applyFilters() {
      let lo = Number(from.value);
      let hi = Number(to.value);
      if (lo > hi) [lo, hi] = [hi, lo];
      const dated = years.length > 0;
      const undated = $("network-undated").checked;
      $("network-year-window").textContent = dated ? `${lo}–${hi}` : "";
      const inWindow = (e) => {
        const s = year(e.data("start"));
        const t = year(e.data("end"));
        if (s === null && t === null) return undated;
        return !dated || ((s ?? t) <= hi && (t ?? s) >= lo);
      };
      const relations = checked("network-relations");
      const sources = checked("network-sources");
      cy.batch(() => {
        cy.nodes().forEach((n) => n.toggleClass("hidden", !inWindow(n)));
        cy.edges().forEach((e) => {
          const own = list(e.data("sources"));
          const shown = inWindow(e)
            && (!e.data("relation") || list(e.data("relation")).some((r) => relations.has(r)))
            && (!own.length || own.some((s) => sources.has(s)))
            && !e.source().hasClass("hidden") && !e.target().hasClass("hidden");
          e.toggleClass("hidden", !shown);
        });
        if ($("network-isolated").checked) {
          cy.nodes().forEach((n) => {
            if (!n.connectedEdges().some((e) => !e.hasClass("hidden"))) n.addClass("hidden");
          });
        }
      });
      const nodes = cy.nodes().filter((n) => !n.hasClass("hidden")).length;
      const edges = cy.edges().filter((e) => !e.hasClass("hidden")).length;
      status.textContent = `Showing ${nodes} of ${total.nodes} nodes and ${edges} of `
        + `${total.edges} edges.`;
      status.dataset.nodes = nodes;
      status.dataset.edges = edges;
    }
    for (const input of [from, to]) input.addEventListener("input", applyFilters);
    for (const id of ["network-undated", "network-isolated"]) {
      $(id).addEventListener("change", applyFilters);
    }
    $("network-size").addEventListener("change", (ev) => {
      metric = ev.target.value;
      range = null;
      cy.style().update();
    });

    // --- search ----------------------------------------------------------------------------
    const labels = $("network-labels");
    for (const text of [...new Set(cy.nodes().map((n) => n.data("label")))].sort()) {
      labels.append(element("option", null, { value: text }));
    }
    function search() {
      const query = fold($("network-search").value.trim());
      cy.nodes().removeClass("match");
      const out = $("network-search-status");
      if (!query) { out.textContent = ""; return; }
      const exact = cy.nodes().filter((n) => fold(n.data("label")) === query);
      const found = exact.length ? exact
        : cy.nodes().filter((n) => fold(n.data("label")).includes(query));
      found.addClass("match");
      out.textContent = found.length ? `${found.length} found` : "none found";
      const shown = found.filter((n) => !n.hasClass("hidden"));
      if (shown.length === 1) {
        cy.animate({ center: { eles: shown }, zoom: Math.max(cy.zoom(), 1.2), duration: 300 });
      } else if (shown.length) {
        cy.animate({ fit: { eles: shown, padding: 80 }, duration: 300 });
      }
      if (found.length === 1) { cy.elements().unselect(); found.select(); showNode(found[0]); }
    }
    $("network-search").addEventListener("input", search);
    $("network-search").addEventListener("keydown", (ev) => { if (ev.key === "Enter") search(); });

    // --- details ---------------------------------------------------------------------------
    function definitions(rows) {
      const dl = element("dl");
      for (const [term, value] of rows) {
        if (value === undefined || value === null || value === "") continue;
        dl.append(element("dt", term));
        const dd = element("dd");
        if (value instanceof Node) dd.append(value); else dd.textContent = String(value);
        dl.append(dd);
      }
      return dl;
    }
    function span(d) {
      const s = year(d.start);
      const e = year(d.end);
      if (s === null && e === null) return null;
      return s === e || e === null ? String(s) : `${s ?? "…"}–${e}`;
    }
    function round(v) { return v === undefined ? null : Number(v).toPrecision(3); }

    function showNode(n) {
      const d = n.data();
      const link = d.url ? element("a", "Open its page", { href: d.url, id: "network-entity-link" })
        : null;
      const neighbours = element("ul");
      n.connectedEdges().forEach((e) => {
        const other = e.source().same(n) ? e.target() : e.source();
        const button = element("button", other.data("label"), { type: "button" });
        button.addEventListener("click", () => {
          cy.elements().unselect(); other.select(); showNode(other);
          cy.animate({ center: { eles: other }, duration: 300 });
        });
        const item = element("li", `${e.data("relation") || "linked"} `);
        item.append(e.source().same(n) ? "→ " : "← ", button);
        neighbours.append(item);
      });
      details.replaceChildren(element("h2", d.label), definitions([
        ["kind", d.kind], ["years", span(d)], ["degree", d.degree],
        ["PageRank", round(d.pagerank)], ["betweenness", round(d.betweenness)],
        ["community", d.community], ["IRI", d.iri], ["entity page", link],
        ["edges", neighbours.childElementCount ? neighbours : null]]));
    }
    function showEdge(e) {
      const d = e.data();
      const sources = element("span");
      list(d.sources).forEach((s, i) => {
        if (i) sources.append(", ");
        sources.append(element("a", s, { href: "/source/" + encodeURIComponent(s) }));
      });
      const quotes = element("div");
      for (const q of String(d.quotes || "").split(/\n+|\s\|\s/).filter(Boolean)) {
        quotes.append(element("blockquote", q));
      }
      const claims = element("ul");
      for (const c of list(d.claims)) {
        const item = element("li");
        item.append(element("a", c.split("/").pop(), { href: localPath(c) }));
        claims.append(item);
      }
      details.replaceChildren(element("h2", list(d.relation).join(", ") || "edge"), definitions([
        ["from", e.source().data("label")], ["to", e.target().data("label")],
        ["years", span(d)], ["sources", list(d.sources).length ? sources : null],
        ["number of sources", d.source_count], ["weight", d.weight],
        ["quotes", quotes.childElementCount ? quotes : null],
        ["claims", claims.childElementCount ? claims : null]]));
    }
    cy.on("tap", "node", (ev) => showNode(ev.target));
    cy.on("tap", "edge", (ev) => showEdge(ev.target));
    cy.on("dbltap", "node", (ev) => { if (ev.target.data("url")) location.href = ev.target.data("url"); });
    applyFilters();
    root.dataset.ready = "true";
  }
})();
