/* Draws the dashboard's charts with ECharts (vendored) from the JSON the page carries; every chart's numbers
   are also in the table beside it, so the page reads without JavaScript. */
(function () {
  "use strict";
  var holder = document.getElementById("chart-data");
  if (!holder || !window.echarts) return;
  var data = JSON.parse(holder.textContent);
  var L = data.labels;
  var charts = [];

  // The tooltip built as DOM nodes: ECharts' own tooltip HTML carries style="" attributes, which the
  // Content-Security-Policy blocks (issue 13 §3); these take their look from dashboards.css.
  function tip(params) {
    params = [].concat(params);
    var box = document.createElement("div");
    box.className = "chart-tip";
    var head = document.createElement("div");
    head.className = "chart-tip-head";
    head.textContent = params.length ? (params[0].axisValueLabel || params[0].name) : "";
    box.appendChild(head);
    params.forEach(function (p) {
      var row = document.createElement("div");
      row.className = "chart-tip-row";
      var dot = document.createElement("span");
      dot.className = "chart-tip-dot";
      dot.style.backgroundColor = p.color;  // the CSSOM, which the policy allows
      var name = document.createElement("span");
      name.textContent = p.seriesName || "";
      var value = document.createElement("b");
      value.textContent = Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value;
      row.append(dot, name, value);
      box.appendChild(row);
    });
    return box;
  }

  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = window.echarts.init(el, null, {renderer: "svg"});
    chart.setOption(Object.assign({animation: false, grid: {left: 8, right: 16, top: 28, bottom: 8, containLabel: true},
                                   tooltip: {trigger: "axis", formatter: tip}}, option));
    charts.push(chart);
  }

  var ranking = data.ranking.slice(0, 20);
  draw("chart-ranking", {
    xAxis: {type: "value", max: 100}, yAxis: {type: "category", inverse: true, data: ranking.map(function (r) { return r[0]; })},
    series: [{type: "bar", name: L.rate, data: ranking.map(function (r) { return r[1]; }), label: {show: true, position: "right"}}]
  });
  draw("chart-category", {
    legend: {top: 0}, xAxis: {type: "category", data: data.category.map(function (r) { return r[0]; }), axisLabel: {interval: 0, rotate: window.innerWidth < 640 ? 40 : 0}},
    yAxis: {type: "value"},
    series: [{type: "bar", name: L.registered, data: data.category.map(function (r) { return r[1]; })},
             {type: "bar", name: L.reopened, data: data.category.map(function (r) { return r[2]; })}]
  });
  // The funnel as bars in order (stages are not always nested: a funnel shape would mislead).
  draw("chart-funnel", {
    xAxis: {type: "value"}, yAxis: {type: "category", inverse: true, data: data.funnel.map(function (r) { return r[0]; })},
    series: [{type: "bar", data: data.funnel.map(function (r) { return r[1]; }), label: {show: true, position: "right"}}]
  });
  draw("chart-trend", {
    legend: {top: 0}, xAxis: {type: "category", data: data.trend.map(function (r) { return r[0]; })}, yAxis: {type: "value"},
    series: [{type: "line", name: L.approvals, data: data.trend.map(function (r) { return r[1]; })},
             {type: "line", name: L.reopenings, data: data.trend.map(function (r) { return r[2]; })}]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
