/* The site menu on narrow screens: the button in the top bar opens and closes it. Without JavaScript the
   <html> element has no "js" class and the menu simply stays open (see app.css). No dependencies. */
(function () {
  "use strict";
  var button = document.getElementById("menu-toggle");
  if (!button) return;
  var menu = document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  }

  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && menu.classList.contains("open")) {
      setOpen(false);
      button.focus();
    }
  });
  document.addEventListener("click", function (e) {
    if (menu.classList.contains("open") && !menu.contains(e.target) && !button.contains(e.target)) setOpen(false);
  });
})();

/* What inline handlers and style="" attributes used to do; the Content-Security-Policy runs no inline code
   (issue 13 §3). data-check-all="selector": a box that ticks every box the selector finds; data-autosubmit:
   a select that submits its form when changed; data-select-on-click: a read-only field whose text is
   selected when clicked; data-width="42.5": an element's width in per cent (set through the CSSOM, and again
   on each piece of content htmx swaps in). */
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var all = e.target.closest && e.target.closest("[data-check-all]");
    if (all) {
      document.querySelectorAll(all.dataset.checkAll).forEach(function (c) { c.checked = all.checked; });
    }
    var field = e.target.closest && e.target.closest("[data-select-on-click]");
    if (field) field.select();
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("select[data-autosubmit]") && e.target.form) e.target.form.submit();
  });
  function widths(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("[data-width]").forEach(function (el) {
      var value = parseFloat(el.dataset.width);
      el.style.width = (isFinite(value) ? Math.max(0, Math.min(100, value)) : 0) + "%";
    });
  }
  widths(document);
  document.addEventListener("htmx:load", function (e) { widths(e.target.parentNode || e.target); });
})();
