/* Dashboard charts (ECharts, served by the app). Every bar, segment and point carries
   the link to the projects behind it; a click opens that list.
   A tooltip formatter returns HTML: every name in it (projects, units, series) is text
   someone typed, so it goes through esc() — never into the markup as it is. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var palette = ["#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#dc3545"];
  var ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" };

  function esc(value) {
    return String(value === undefined || value === null ? "" : value).replace(/[&<>"']/g,
      function (c) { return ENTITIES[c]; });
  }

  function funnel(items) {
    return {
      color: palette,
      tooltip: { formatter: function (p) {
        return esc(p.name) + ":" + esc(p.value) + "个," + esc(p.data.yi) + "亿元";
      } },
      series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", minSize: "30%",
        label: { formatter: "{b}\n{c}个" }, data: items }]
    };
  }
  function trend(t) {
    return {
      color: palette, legend: { top: 0 },
      tooltip: { trigger: "axis", formatter: function (ps) {
        return esc(ps.length ? ps[0].axisValue : "") + ps.map(function (p) {
          return "<br>" + p.marker + esc(p.seriesName) + ":" + esc(p.value);
        }).join("");
      } },
      grid: { left: 40, right: 16, top: 32, bottom: 28 },
      xAxis: { type: "category", data: t.months }, yAxis: { type: "value", minInterval: 1 },
      series: t.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
    };
  }
  function bars(items, unit) {
    return {
      color: palette, tooltip: { formatter: function (p) { return esc(p.name) + ":" + esc(p.value) + unit; } },
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: items.map(function (i) { return i.name; }),
        axisLabel: { width: 150, overflow: "truncate" } },
      series: [{ type: "bar", data: items, label: { show: true, position: "right" } }]
    };
  }
  var options = {
    funnel: funnel(data.funnel), trend: trend(data.trend),
    ranking: bars(data.ranking, "亿元"), top: bars(data.top, "亿元")
  };
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var option = options[el.dataset.chart];
    option.animation = false;  // figures, not a show: draw at once
    chart.setOption(option);
    chart.on("click", function (p) { if (p.data && p.data.link) { window.location.href = p.data.link; } });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
