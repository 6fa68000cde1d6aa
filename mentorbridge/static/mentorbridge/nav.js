// The main menu is a <details>: folded on phones, always open on wider screens. site.css does
// this with ::details-content where the browser has it; this keeps browsers without it right.
// Also: a Task Force submenu closes when focus or a click leaves it, or on Escape.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 1101px)")  // as site.css;
  function sync() {
    var menu = document.getElementById("site-menu");
    if (menu) { menu.open = wide.matches; }
  }
  document.addEventListener("DOMContentLoaded", sync);
  if (wide.addEventListener) { wide.addEventListener("change", sync); }
  function closeSubmenus(except) {
    document.querySelectorAll(".submenu details[open]").forEach(function (d) {
      if (d !== except) { d.open = false; }
    });
  }
  document.addEventListener("click", function (event) {
    closeSubmenus(event.target.closest(".submenu details"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var open = document.querySelector(".submenu details[open]");
      if (open) { open.open = false; open.querySelector("summary").focus(); }
    }
  });
})();
