// A search box over a long list of checkboxes (e.g. target programs): progressive enhancement, the
// checkboxes work alone without it. Ticked items always stay visible.
(function () {
  "use strict";
  function enhance(fieldset) {
    var labels = Array.prototype.slice.call(fieldset.querySelectorAll("label"));
    var legend = fieldset.querySelector("legend");
    var box = document.createElement("input");
    box.type = "search";
    box.className = "filter-box";
    box.setAttribute("aria-label", "Filter: " + (legend ? legend.textContent.trim() : "options"));
    box.placeholder = "Type to filter…";
    var status = document.createElement("p");
    status.className = "small muted";
    status.setAttribute("aria-live", "polite");
    function apply() {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      labels.forEach(function (label) {
        var input = label.querySelector("input");
        var text = label.textContent.toLowerCase();
        var match = (input && input.checked) || words.every(function (w) { return text.indexOf(w) !== -1; });
        var item = label.parentElement && label.parentElement.tagName === "DIV" ? label.parentElement : label;
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      status.textContent = shown + " of " + labels.length + " shown";
    }
    box.addEventListener("input", apply);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // not a form submission
    });
    var anchor = legend ? legend.nextSibling : fieldset.firstChild;
    fieldset.insertBefore(status, anchor);
    fieldset.insertBefore(box, status);
    apply();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var seen = [];
    document.querySelectorAll("input[data-filter-list]").forEach(function (input) {
      var fieldset = input.closest("fieldset");
      if (fieldset && seen.indexOf(fieldset) === -1) { seen.push(fieldset); enhance(fieldset); }
    });
  });
})();
