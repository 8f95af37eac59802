// The board's two trend charts, drawn from the JSON the page embeds (#chart-data).
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const cases = echarts.init(document.getElementById("chart-cases"));
  cases.setOption({
    tooltip: {trigger: "axis"}, legend: {data: ["交办", "销号", "逾期（已结束月份为月末逾期，本月为至今逾期）"]},
    xAxis: {type: "category", data: data.months}, yAxis: {type: "value", name: "件"},
    series: [
      {name: "交办", type: "bar", data: data.dispatched},
      {name: "销号", type: "bar", data: data.closed},
      {name: "逾期（已结束月份为月末逾期，本月为至今逾期）", type: "line", data: data.overdue, itemStyle: {color: "#d63939"}},
    ],
  });
  const investment = echarts.init(document.getElementById("chart-investment"));
  investment.setOption({
    tooltip: {trigger: "axis"}, legend: {data: ["投资完成率", "序时进度"]},
    xAxis: {type: "category", data: data.months}, yAxis: {type: "value", name: "%", max: 100},
    series: [
      {name: "投资完成率", type: "line", data: data.investment_rate},
      {name: "序时进度", type: "line", data: data.schedule_share, lineStyle: {type: "dashed"}},
    ],
  });
})();
