// The print page's 打印 button (no inline handlers: the pages run under a CSP without inline script).
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
