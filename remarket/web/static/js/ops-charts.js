// The operations charts, from the data each page embeds with json_script: a file, so that the
// Content-Security-Policy can forbid inline scripts.
document.addEventListener("DOMContentLoaded", () => {
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  const gmv = document.getElementById("gmv-chart");
  if (gmv) {
    const data = read("gmv-data");
    const colours = {web: "#0b6e4f", store: "#f79009", partner: "#2e90fa"};
    new Chart(gmv, {
      type: "bar",
      data: {labels: data.labels, datasets: data.series.map(s => ({label: s.label, data: s.data, backgroundColor: colours[s.label]}))},
      options: {responsive: true, scales: {x: {stacked: true}, y: {stacked: true, title: {display: true, text: "GMV (EUR)"}}}},
    });
  }
  const commission = document.getElementById("commission-chart");
  if (commission) {
    const data = read("commission-data");
    new Chart(commission, {
      type: "line",
      data: {labels: data.labels, datasets: data.series.map(s => ({label: s.label, data: s.data, tension: 0.2}))},
      options: {responsive: true, scales: {y: {title: {display: true, text: "Commission (major units)"}}}},
    });
  }
});

// The dashboard's story charts: GMV by year and country, the channel mix, growth and new customers.
document.addEventListener("DOMContentLoaded", () => {
  const node = document.getElementById("story-data");
  if (!node) return;
  const story = JSON.parse(node.textContent);
  const colours = {web: "#0b6e4f", store: "#f79009", partner: "#2e90fa"};
  const palette = ["#0b6e4f", "#2e90fa", "#f79009", "#d92d20", "#7a5af8", "#667085", "#16b364", "#ee46bc"];
  const draw = (id, config) => { const el = document.getElementById(id); if (el) new Chart(el, config); };
  draw("story-years", {
    type: "bar",
    data: {labels: story.years, datasets: story.by_country.map((s, i) => ({label: s.label, data: s.data, backgroundColor: palette[i % palette.length]}))},
    options: {responsive: true, scales: {x: {stacked: true}, y: {stacked: true}}},
  });
  draw("story-mix", {
    type: "bar",
    data: {labels: story.quarters, datasets: story.mix.map(s => ({label: s.label, data: s.data, backgroundColor: colours[s.label]}))},
    options: {responsive: true, scales: {x: {stacked: true}, y: {stacked: true, max: 100}}},
  });
  draw("story-growth", {
    type: "line",
    data: {labels: story.quarters, datasets: [
      {label: "GMV", data: story.yoy, borderColor: "#0b6e4f", tension: 0.2},
      {label: "new customers", data: story.new_customers_yoy, borderColor: "#2e90fa", tension: 0.2},
    ]},
    options: {responsive: true},
  });
  draw("story-new", {
    type: "bar",
    data: {labels: story.quarters, datasets: [{label: "new customers", data: story.new_customers, backgroundColor: "#2e90fa"}]},
    options: {responsive: true},
  });
});
