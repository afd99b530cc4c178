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
