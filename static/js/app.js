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
