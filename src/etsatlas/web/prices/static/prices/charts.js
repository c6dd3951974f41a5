// Price charts: the explorer (#prices-chart) and the small factsheet charts ([data-price-chart]).
// Data come from json_script elements; the form submits on change so the state stays in the URL.
(function () {
  "use strict";

  function traces(data) {
    return data.traces.map(function (t) {
      return {
        type: "scatter",
        mode: "lines",
        name: t.name,
        x: t.x,
        y: t.y,
        connectgaps: !t.level,
        line: t.level ? { shape: "hv", dash: "dot", width: 1.5 } : { width: 2 },
        hovertemplate: "%{x}: %{y:.2f} " + t.currency + "<extra>" + t.name + "</extra>",
      };
    });
  }

  function layout(data, small) {
    return {
      margin: small ? { t: 10, r: 10, b: 30, l: 50 } : { t: 20, r: 20, b: 40, l: 60 },
      hovermode: "x unified",
      showlegend: !small,
      legend: { orientation: "h", y: -0.15 },
      xaxis: { type: "date" },
      yaxis: { title: { text: data.unit }, type: data.log ? "log" : "linear" },
    };
  }

  function draw(element, data, small) {
    if (!window.Plotly || !data) return;
    window.Plotly.newPlot(element, traces(data), layout(data, small), { responsive: true, displaylogo: false });
  }

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var big = document.getElementById("prices-chart");
    if (big) draw(big, read("prices-chart-data"), false);
    document.querySelectorAll("[data-price-chart]").forEach(function (el) {
      draw(el, read(el.getAttribute("data-price-chart")), true);
    });
    var form = document.getElementById("prices-form");
    if (form) {
      form.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
    }
  });
})();
