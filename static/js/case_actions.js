// The case page: one action form open at a time. Each action button is also a link (?action=name)
// that opens its form on the server, so the page works without this file; with it, a click toggles
// the form in place. A file, not inline script: the pages run under a CSP without inline script.
(function () {
  const buttons = Array.from(document.querySelectorAll("[data-action-toggle]"));
  const forms = Array.from(document.querySelectorAll("form[data-action]"));

  function show(name) {
    forms.forEach((form) => { form.hidden = form.dataset.action !== name; });
    buttons.forEach((button) => {
      const open = button.dataset.actionToggle === name;
      button.classList.toggle("active", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    const form = forms.find((f) => f.dataset.action === name);
    if (form) {
      form.scrollIntoView({ block: "nearest" });
      const field = form.querySelector("select, textarea, input:not([type=hidden])");
      if (field) field.focus({ preventScroll: true });
    }
  }

  buttons.forEach((button) => button.addEventListener("click", (event) => {
    event.preventDefault();
    show(button.getAttribute("aria-expanded") === "true" ? null : button.dataset.actionToggle);
  }));
})();
