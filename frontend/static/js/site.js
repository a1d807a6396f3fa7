// Progressive enhancements only: every page works without this file.
// Panels that collapse on a phone stay open for browsers that never run this file.
document.documentElement.classList.add("js");
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
  const toggle = event.target.closest("[data-toggle]");
  if (toggle) {
    const target = document.getElementById(toggle.dataset.toggle);
    const open = target.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  }
});

document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

document.addEventListener("change", (event) => {
  const input = event.target;
  if (input.matches("input[type=radio][data-show]")) {
    document.getElementById(input.dataset.show).hidden = false;
    document.getElementById(input.dataset.hide).hidden = true;
  }
});

// Search suggestions from /api/v1/search/suggest into the box's <datalist>.
let suggestTimer;
document.addEventListener("input", (event) => {
  const input = event.target;
  if (!input.matches("input[data-suggest]")) return;
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(async () => {
    const prefix = input.value.trim();
    const list = document.getElementById(input.getAttribute("list"));
    if (!prefix || !list) return;
    try {
      const response = await fetch(`${input.dataset.suggest}?q=${encodeURIComponent(prefix)}`);
      if (!response.ok) return;
      const { suggestions } = await response.json();
      list.replaceChildren(...suggestions.map((s) => Object.assign(document.createElement("option"), { value: s })));
    } catch (_) { /* suggestions are optional */ }
  }, 150);
});
