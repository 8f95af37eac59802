// Behaviours the templates ask for with data attributes: the Content-Security-Policy allows no
// inline script or event handler attribute, so every page script is a file.
(function () {
  "use strict";
  // <select data-submit-on-change>: choosing an option submits its form.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches("[data-submit-on-change]") && field.form) {
      field.form.submit();
    }
  });
  // <input type="checkbox" data-check-all=".selector">: ticks or clears every matching checkbox.
  document.addEventListener("click", function (event) {
    var master = event.target;
    if (!master.matches("input[type=checkbox][data-check-all]")) {
      return;
    }
    document.querySelectorAll(master.getAttribute("data-check-all")).forEach(function (box) {
      box.checked = master.checked;
    });
  });
  // <a data-history-back>: back to the previous page (a javascript: URL would be inline script).
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-history-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
