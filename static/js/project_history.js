// A project's monthly investment chart, drawn from the JSON the page embeds (#history-data).
(function () {
  var data = JSON.parse(document.getElementById("history-data").textContent);
  var chart = echarts.init(document.getElementById("history-chart"));
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {data: ["本月完成投资", "本年累计完成"]},
    xAxis: {type: "category", data: data.map(function (d) { return d.month; })},
    yAxis: {type: "value", name: "万元"},
    series: [
      {name: "本月完成投资", type: "bar", data: data.map(function (d) { return d.completed; })},
      {name: "本年累计完成", type: "line", data: data.map(function (d) { return d.cumulative; })}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
