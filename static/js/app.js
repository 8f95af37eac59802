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
  // <input type="file" data-max-bytes>: a file over the limit is refused here, with the reason beside
  // the field, before anything is sent (an over-large request would lose the whole form).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches("input[type=file][data-max-bytes]")) {
      return;
    }
    var max = Number(input.getAttribute("data-max-bytes"));
    var big = Array.prototype.filter.call(input.files, function (file) { return file.size > max; });
    var text = big.length ? "文件“" + big.map(function (f) { return f.name; }).join("、") + "”超过 " +
      Math.round(max / 1048576) + " MB，请压缩后或换一个文件再选择。" : "";
    input.setCustomValidity(text);
    var note = input.parentNode.querySelector("[data-file-error]");
    if (!note) {
      note = document.createElement("div");
      note.className = "invalid-feedback d-block";
      note.setAttribute("data-file-error", "");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = text;
    input.classList.toggle("is-invalid", Boolean(text));
  });
  // <form data-confirm="question">: asks in a dialog before the form goes; data-confirm-when="selector"
  // asks only when the selector matches inside the form (e.g. a ticked 强制).
  function ask(question, onYes) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.id = "confirm-dialog";
      dialog.className = "card p-0";
      dialog.innerHTML = '<div class="card-body"><p class="mb-3" data-question></p><div class="d-flex justify-content-end gap-2">' +
        '<button type="button" class="btn" value="no">取消</button><button type="button" class="btn btn-danger" value="yes">确认</button></div></div>';
      document.body.appendChild(dialog);
    }
    dialog.querySelector("[data-question]").textContent = question;
    dialog.querySelectorAll("button").forEach(function (button) {
      button.onclick = function () {
        dialog.close();
        if (button.value === "yes") {
          onYes();
        }
      };
    });
    dialog.showModal();
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    var when = form.getAttribute("data-confirm-when");
    if (!question || form.getAttribute("data-confirmed") === "1" || (when && !form.querySelector(when))) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter;
    ask(question, function () {
      form.setAttribute("data-confirmed", "1");
      form.requestSubmit(submitter || undefined);
    });
  });
})();
