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
  // <details data-filter-panel>: a list's filter form, sent open (so it shows without JavaScript) and
  // closed here at phone width unless a filter in it was refused.
  if (window.matchMedia("(max-width: 767.98px)").matches) {
    document.querySelectorAll("details[data-filter-panel]").forEach(function (panel) {
      if (!panel.querySelector(".is-invalid")) {
        panel.open = false;
      }
    });
  }
  // <button data-print>: the print view's button.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
  // <input data-lookup="/lookups/…/" list="…">: names offered as one types (registry.lookups answers
  // {"results": [{"value", "label"}]}); the typed text is what the form sends, with or without them.
  var lookupTimer = null;
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.matches("input[data-lookup]")) {
      return;
    }
    window.clearTimeout(lookupTimer);
    lookupTimer = window.setTimeout(function () {
      var text = field.value.trim();
      var list = document.getElementById(field.getAttribute("list"));
      if (!text || !list) {
        return;
      }
      fetch(field.getAttribute("data-lookup") + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin", headers: {Accept: "application/json"}
      }).then(function (answer) {
        return answer.ok ? answer.json() : {results: []};
      }).then(function (data) {
        list.replaceChildren.apply(list, data.results.map(function (item) {
          var option = document.createElement("option");
          option.value = item.value;
          option.label = item.label;
          return option;
        }));
      }).catch(function () { /* suggestions are a help only: typing still works */ });
    }, 200);
  });
})();
