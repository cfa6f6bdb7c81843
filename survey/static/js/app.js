// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Skip logic: show a question only when the field it depends on has one of the listed values.
  function fieldValues(form, name) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name === name && (el.type === "radio" || el.type === "checkbox" ? el.checked : el.value);
    }).map(function (el) { return el.value; });
  }

  function applySkips(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (box) {
      var wanted = box.getAttribute("data-show-values").split(" ");
      var values = fieldValues(form, box.getAttribute("data-show-if"));
      var shown = values.some(function (v) { return wanted.indexOf(v) >= 0; });
      box.hidden = !shown;
      if (!shown) {
        box.querySelectorAll("input, textarea, select").forEach(function (el) {
          if (el.type === "radio" || el.type === "checkbox") { el.checked = false; } else { el.value = ""; }
        });
      }
    });
    // A section (or a program's block) whose questions are all skipped is hidden with its title.
    form.querySelectorAll(".q-block").forEach(function (block) {
      var boxes = block.querySelectorAll("fieldset.question");
      block.hidden = boxes.length > 0 && Array.prototype.every.call(boxes, function (b) { return b.hidden; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.interview").forEach(function (form) {
      applySkips(form);
      form.addEventListener("change", function () { applySkips(form); });
    });
    // A form marked data-once is sent once: a double click does not submit twice.
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.sent) { event.preventDefault(); return; }
        form.dataset.sent = "1";
        form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      });
    });
  });
})();
