// Behaviour shared by every page: phone menu, confirmation on dangerous buttons, copy buttons,
// auto-submitting filters. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("main-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  document.addEventListener("submit", (event) => {
    const button = event.submitter || event.target.querySelector("[data-confirm]");
    const message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
  document.querySelectorAll(".copy-button").forEach((button) => {
    button.addEventListener("click", async () => {
      const source = document.querySelector(button.dataset.copy);
      if (!source) return;
      source.select();
      try { await navigator.clipboard.writeText(source.value); button.textContent = "Copied"; }
      catch (e) { document.execCommand("copy"); button.textContent = "Copied"; }
    });
  });
  document.querySelectorAll("select.auto-submit").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
})();
