// Report charts (ECharts, vendored): volume and service level by interval, and offered
// calls by weekday and hour. The data comes from the page (data-chart); each chart has
// a "save as PNG" button in its toolbox.
(function () {
  "use strict";
  function toolbox(names) {
    return { feature: { saveAsImage: { title: names.save_png, pixelRatio: 2, name: "hotline-report" } } };
  }
  function volume(el, d) {
    return {
      tooltip: { trigger: "axis" },
      toolbox: toolbox(d.names),
      legend: { top: 0, data: [d.names.offered, d.names.answered, d.names.abandoned, d.names.service_level] },
      grid: { left: 50, right: 50, top: 40, bottom: d.labels.length > 48 ? 80 : 40 },
      xAxis: { type: "category", data: d.labels },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }],
      dataZoom: d.labels.length > 48 ? [{ type: "slider" }] : [],
      series: [
        { name: d.names.offered, type: "bar", data: d.offered },
        { name: d.names.answered, type: "bar", data: d.answered },
        { name: d.names.abandoned, type: "bar", data: d.abandoned },
        { name: d.names.service_level, type: "line", yAxisIndex: 1, data: d.sl, connectNulls: false }
      ]
    };
  }
  function heatmap(el, d) {
    var max = 1;
    d.heat.forEach(function (c) { if (c[2] > max) { max = c[2]; } });
    var hours = [];
    for (var h = 0; h < 24; h++) { hours.push(String(h)); }
    return {
      tooltip: { position: "top" },
      toolbox: toolbox(d.names),
      grid: { left: 60, right: 90, bottom: 40 },
      xAxis: { type: "category", data: hours, splitArea: { show: true } },
      yAxis: { type: "category", data: d.weekdays, inverse: true, splitArea: { show: true } },
      visualMap: { min: 0, max: max, calculable: true, orient: "vertical", right: 0, top: "middle" },
      series: [{ name: d.names.offered, type: "heatmap", data: d.heat, label: { show: false } }]
    };
  }
  function draw() {
    if (!window.echarts) { return; }
    document.querySelectorAll(".report-chart[data-chart]").forEach(function (el) {
      var d = JSON.parse(el.getAttribute("data-chart"));
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(el.getAttribute("data-kind") === "heatmap" ? heatmap(el, d) : volume(el, d));
      el.setAttribute("data-rendered", "true");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
