// The simulator page: a scenario document edited through a table, sent to POST /api/v1/simulate.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("simulate-data").textContent);
  const $ = (id) => document.getElementById(id);
  const FIELDS = [
    ["id", "text"], ["bau", "number"], ["cap", "number"], ["auctioned", "number"],
    ["slope", "number"], ["floor", "number"], ["ceiling", "number"], ["penalty", "number"],
  ];
  let scenario = null;
  let sources = {}; // system id -> field -> {source, missing, uncertain}
  let lastResult = null;

  function fmt(x, digits) {
    return x === null || x === undefined || Number.isNaN(x) ? "–" : Number(x).toLocaleString(undefined, {maximumFractionDigits: digits});
  }

  function encode(obj) {
    const bytes = new TextEncoder().encode(JSON.stringify(obj));
    let bin = "";
    bytes.forEach((b) => { bin += String.fromCharCode(b); });
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function decode(text) {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
  }

  function linksFor(systems) {
    const mode = $("link-mode").value;
    if (mode === "none") return [];
    if (mode === "custom") return scenario.links || [];
    const links = [];
    for (let i = 0; i < systems.length; i++) {
      for (let j = i + 1; j < systems.length; j++) links.push({between: [systems[i].id, systems[j].id], type: "two_way"});
    }
    return links;
  }

  function cellValue(system, name) {
    if (name === "slope") return system.mac && system.mac.type === "linear" ? system.mac.slope : null;
    return system[name];
  }

  function renderTable() {
    const body = $("systems-table").querySelector("tbody");
    body.replaceChildren();
    scenario.systems.forEach((system, index) => {
      const tr = document.createElement("tr");
      FIELDS.forEach(([name, type]) => {
        const td = document.createElement("td");
        const input = document.createElement("input");
        input.type = type;
        input.step = "any";
        input.setAttribute("aria-label", `${name} of system ${index + 1}`);
        const value = cellValue(system, name);
        input.value = value === null || value === undefined ? "" : value;
        if (name === "slope" && system.mac && system.mac.type !== "linear") {
          input.disabled = true;
          input.title = `${system.mac.type} MAC: edit it in the scenario document`;
        }
        const info = (sources[system.id] || {})[name === "slope" ? "price" : name];
        if (info) {
          if (info.missing && ["bau", "cap", "slope"].includes(name)) input.classList.add("missing");
          const note = document.createElement("span");
          note.className = "source";
          note.textContent = (info.missing ? "missing: " : "") + info.source + (info.uncertain ? " (uncertain)" : "");
          td.append(input, note);
        } else {
          td.append(input);
        }
        input.addEventListener("change", () => {
          const raw = input.value.trim();
          const num = raw === "" ? null : Number(raw);
          if (name === "id") system.id = raw;
          else if (name === "slope") system.mac = {type: "linear", slope: num};
          else if (num === null) delete system[name];
          else system[name] = num;
          syncJson();
        });
        if (name !== "id") tr.append(td); else tr.prepend(td);
      });
      const del = document.createElement("td");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Remove";
      button.addEventListener("click", () => { scenario.systems.splice(index, 1); renderTable(); syncJson(); });
      del.append(button);
      tr.append(del);
      body.append(tr);
    });
  }

  function syncJson() {
    scenario.links = linksFor(scenario.systems);
    $("scenario-json").value = JSON.stringify(scenario, null, 2);
  }

  function setScenario(doc) {
    scenario = doc;
    if (!scenario.links) scenario.links = [];
    renderTable();
    $("scenario-json").value = JSON.stringify(scenario, null, 2);
  }

  $("scenario-json").addEventListener("change", () => {
    try {
      setScenario(JSON.parse($("scenario-json").value));
      $("link-mode").value = "custom";
      $("status").textContent = "";
    } catch (err) {
      $("status").textContent = `The scenario document is not valid JSON: ${err.message}`;
    }
  });
  $("link-mode").addEventListener("change", syncJson);

  data.systems.forEach((s) => {
    const option = document.createElement("option");
    option.value = s.id;
    option.textContent = s.name;
    $("kb-systems").append(option);
  });

  $("load-example").addEventListener("click", () => { sources = {}; setScenario(structuredClone(data.example)); $("link-mode").value = "all"; syncJson(); });
  $("add-system").addEventListener("click", () => {
    scenario.systems.push({id: `S${scenario.systems.length + 1}`, bau: 100, cap: 90, mac: {type: "linear", slope: 1}});
    renderTable();
    syncJson();
  });

  $("prefill").addEventListener("click", async () => {
    const ids = Array.from($("kb-systems").selectedOptions).map((o) => o.value);
    if (!ids.length) { $("prefill-notes").textContent = "Select one or more systems first."; return; }
    const params = new URLSearchParams({systems: ids.join(","), bau_margin_pct: $("bau-margin").value || "10"});
    const response = await fetch(`/api/v1/simulate/prefill?${params}`);
    const body = await response.json();
    if (!response.ok) { $("prefill-notes").textContent = body.error.message; return; }
    sources = {};
    const notes = [];
    const currencies = new Set();
    const systems = body.systems.map((entry) => {
      const f = entry.fields;
      sources[entry.id] = {bau: f.bau, cap: f.cap, price: f.price, floor: f.floor, ceiling: f.ceiling, penalty: f.penalty};
      if (f.price.currency) currencies.add(f.price.currency);
      entry.problems.forEach((p) => notes.push(`${entry.name}: ${p}`));
      return entry.system || {id: entry.id, name: entry.name, bau: null, cap: null, mac: {type: "linear", slope: null}};
    });
    if (currencies.size > 1) notes.push(`Prices are in different currencies (${[...currencies].join(", ")}): convert them to one before linking.`);
    $("prefill-notes").textContent = notes.join(" ");
    setScenario({systems, links: []});
    $("link-mode").value = "all";
    syncJson();
  });

  function renderResult(result) {
    lastResult = result;
    $("results").hidden = false;
    const body = $("results-table").querySelector("tbody");
    body.replaceChildren();
    Object.entries(result.linked).forEach(([id, linked]) => {
      const solo = result.autarky[id];
      const tr = document.createElement("tr");
      [id, fmt(solo.price, 2), fmt(linked.price, 2), fmt(linked.abatement, 2), fmt(linked.net_imports, 2),
        fmt(linked.cost, 1), fmt(linked.gain, 1), linked.binding.join(", ") || "none"].forEach((text) => {
        const td = document.createElement("td");
        td.textContent = text;
        tr.append(td);
      });
      body.append(tr);
    });
    const flows = $("flows");
    flows.replaceChildren();
    result.flows.forEach((f) => {
      const li = document.createElement("li");
      li.textContent = `${f.between[0]} ← ${f.between[1]} (${f.type}): ${fmt(f.net_imports, 2)} Mt into ${f.between[0]}` +
        (f.binding ? " — at its limit" : "");
      flows.append(li);
    });
    if (!result.flows.length) flows.append(Object.assign(document.createElement("li"), {textContent: "no links"}));
    if (window.Plotly && result.curves) {
      const traces = Object.entries(result.curves.systems).map(([id, demand]) => ({
        x: demand, y: result.curves.price, mode: "lines", name: `${id}: demand − own supply`,
      }));
      const total = result.curves.price.map((_, i) => {
        const values = Object.values(result.curves.systems).map((d) => d[i]);
        return values.some((v) => v === null) ? null : values.reduce((a, b) => a + b, 0);
      });
      traces.push({x: total, y: result.curves.price, mode: "lines", name: "all systems", line: {dash: "dash", width: 3}});
      window.Plotly.newPlot("chart", traces, {
        title: "Excess demand against price (the linked price clears the sum at zero)",
        xaxis: {title: "Mt (positive: needs imports)", zeroline: true}, yaxis: {title: "price per t"}, margin: {t: 50},
      }, {responsive: true, displaylogo: false});
    }
    const blob = new Blob([JSON.stringify(result, null, 2)], {type: "application/json"});
    $("download").href = URL.createObjectURL(blob);
    $("share").href = `${location.pathname}#s=${encode(scenario)}`;
  }

  $("run").addEventListener("click", async () => {
    syncJson();
    $("status").textContent = "Running…";
    const samples = Number($("samples").value || 0);
    const response = await fetch(`/api/v1/simulate?curves=true&samples=${samples}`, {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(scenario),
    });
    const body = await response.json();
    if (!response.ok) {
      $("status").textContent = `${body.error.message}${body.error.field ? ` (field ${body.error.field})` : ""}`;
      return;
    }
    $("status").textContent = samples ? `Done, with ${samples.toLocaleString()} Monte Carlo samples in the download.` : "Done.";
    history.replaceState(null, "", `#s=${encode(scenario)}`);
    renderResult(body);
  });

  const shared = location.hash.match(/^#s=([A-Za-z0-9_-]+)$/);
  if (shared) {
    try { setScenario(decode(shared[1])); $("link-mode").value = "custom"; } catch (err) { setScenario(structuredClone(data.example)); }
  } else {
    setScenario(structuredClone(data.example));
  }
  void lastResult;
})();
