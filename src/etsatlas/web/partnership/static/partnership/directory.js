// Map of members and observers, and the membership counts over time (data from #partnership-data).
(function () {
  "use strict";
  var node = document.getElementById("partnership-data");
  if (!node || !window.Plotly) { return; }
  var data = JSON.parse(node.textContent);
  var colours = { member: "#1f5fa8", observer: "#e08a00" };
  var labels = { member: "Members", observer: "Observers" };

  var mapTraces = ["member", "observer"].map(function (status) {
    var points = data.map.filter(function (p) { return p.status === status; });
    return {
      type: "scattergeo", mode: "markers", name: labels[status] + " (" + points.length + ")",
      lon: points.map(function (p) { return p.lon; }), lat: points.map(function (p) { return p.lat; }),
      text: points.map(function (p) { return p.name; }), hoverinfo: "text",
      marker: { size: 9, color: colours[status], line: { width: 1, color: "#fff" } }
    };
  });
  var geo = { projection: { type: "natural earth" }, showcountries: true, countrycolor: "#bbb", showland: true, landcolor: "#f2f2ee" };
  var config = { responsive: true, displaylogo: false, topojsonURL: data.topojson_url };
  window.Plotly.newPlot("member-map", mapTraces, { geo: geo, margin: { l: 0, r: 0, t: 10, b: 0 }, legend: { orientation: "h" } }, config);

  var records = data.chart.records;
  function series(key) {
    var rows = records.filter(function (r) { return r[key] !== null; });
    return { x: rows.map(function (r) { return r.date; }), y: rows.map(function (r) { return r[key]; }),
             text: rows.map(function (r) { return r.source; }) };
  }
  function trace(key, name, colour) {
    var s = series(key);
    return { type: "scatter", mode: "lines+markers", name: name, x: s.x, y: s.y, customdata: s.text,
             hovertemplate: "%{x}: %{y} " + name.toLowerCase() + "<br>source: %{customdata}<extra></extra>",
             line: { color: colour }, connectgaps: false };
  }
  var traces = [trace("members", "Members", colours.member), trace("observers", "Observers", colours.observer),
                trace("total", "Members and observers", "#555")];
  var d = data.chart.directory;
  if (d.date) {
    traces.push({ type: "scatter", mode: "markers", name: "This directory", x: [d.date, d.date, d.date],
                  y: [d.members, d.observers, d.total], marker: { symbol: "diamond", size: 11, color: "#2a9d55" },
                  hovertemplate: "%{x}: %{y} (this directory)<extra></extra>" });
  }
  var events = records.filter(function (r) { return r.total === null && r.note; });
  var layout = {
    margin: { l: 50, r: 20, t: 20, b: 40 }, yaxis: { title: "count", rangemode: "tozero" },
    xaxis: { type: "date" }, legend: { orientation: "h" },
    shapes: events.map(function (e) { return { type: "line", xref: "x", yref: "paper", x0: e.date, x1: e.date, y0: 0, y1: 1, line: { dash: "dot", color: "#999" } }; }),
    annotations: events.map(function (e, i) { return { x: e.date, xref: "x", yref: "paper", y: 0.95 - i * 0.12, text: e.note, showarrow: false, xanchor: "left", font: { size: 11 } }; })
  };
  window.Plotly.newPlot("member-chart", traces, layout, { responsive: true, displaylogo: false });
}());
