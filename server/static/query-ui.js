// The SPARQL query editor on GET /sparql: the vendored YASGUI, set up for this endpoint only.
//
// - Queries go to this server's own /sparql (POST form), whatever host or port it runs on.
// - Nothing is fetched from another host: the class and property autocompleters, which ask
//   the Linked Open Vocabularies API, are switched off; prefix completion uses YASQE's bundled
//   list; the endpoint picker offers only this endpoint.
// - Tabs persist in the browser's localStorage under a key made of the dataset version and a
//   fingerprint of the example catalogue, so new data or new examples start afresh (with the
//   first example open) instead of showing stale tabs and stale results; rebuilding the same
//   inputs keeps them.
// - YASQE's syntax check is off: it knows SPARQL 1.1 only and would mark every claim query
//   (RDF 1.2 triple terms) as wrong; a real error comes back from the endpoint with its message.
// - The endpoint's pre-declared prefixes count as declared in the editor: typing kz: or
//   schema: adds no PREFIX line; results show IRIs shortened with them.
// - The example catalogue (queries/*.rq) is in the <select id="examples">: choosing one opens
//   it in a new tab named after its title (or selects that tab if it is already open, unedited).
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("query-ui-config").textContent);
  const picker = document.getElementById("examples");
  const examples = Array.from(picker.options).filter((o) => o.value).map((o) => ({
    name: o.value, title: o.textContent, query: o.dataset.query,
  }));
  // absolute, for YASGUI needs one, but derived from this page's own address
  const endpoint = new URL(config.endpoint, window.location.href).href;

  // The endpoint declares these prefixes for every query; tell YASQE so, or its prefix
  // completer "helpfully" adds PREFIX lines from its own list as one types, some of them
  // different from ours (schema: <http://schema.org/> where this graph uses https).
  const ownPrefixes = Yasgui.Yasqe.prototype.getPrefixesFromQuery;
  Yasgui.Yasqe.prototype.getPrefixesFromQuery = function () {
    return { ...config.prefixes, ...ownPrefixes.call(this) };
  };

  const offline = Yasgui.Yasqe.defaults.autocompleters.filter(
    (name) => name !== "class" && name !== "property");
  Yasgui.Yasqe.defaults.autocompleters = offline;
  Yasgui.defaults.yasqe.autocompleters = offline.slice();

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: config.persistenceId + "-"
      + fingerprint(examples.map((e) => e.query).join("\0")),
    autoAddOnInit: false,
    copyEndpointOnNewTab: false,
    tabName: "Query",
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
    yasqe: {
      // YASQE's checker knows SPARQL 1.1 only and marks this graph's RDF 1.2 triple terms
      // (rdf:reifies <<( s p o )>>) as errors; the endpoint's own parser reports real ones
      syntaxErrorCheck: false,
      value: "# Prefixes " + Object.keys(config.prefixes).join(": ") + ": are pre-declared.\n"
        + "SELECT ?film ?title WHERE {\n  ?film a kz:Film ; skos:prefLabel ?title .\n"
        + "  FILTER(LANGMATCHES(LANG(?title), \"en\"))\n} ORDER BY ?title LIMIT 50\n",
    },
    yasr: { prefixes: config.prefixes },
  });

  function openExample(example) {
    return yasgui.addTab(true, {
      name: example.title,
      yasqe: { value: example.query },
      requestConfig: { endpoint: endpoint, method: "POST" },
    }, { avoidDuplicateTabs: true });
  }

  if (yasgui.persistentConfig.getTabs().length === 0 && examples.length) {
    openExample(examples[0]);
  }

  picker.addEventListener("change", () => {
    const example = examples.find((e) => e.name === picker.value);
    picker.value = "";
    if (example) openExample(example);
  });

  // a short, stable string for a text (FNV-1a, 32 bits): enough to tell catalogues apart
  function fingerprint(text) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash.toString(16);
  }

  window.kazcinemaYasgui = yasgui;
})();
