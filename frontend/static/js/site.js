// Progressive enhancements only: every page works without this file.
document.addEventListener("click", (event) => {
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
