// Flask-Admin names its row checkboxes only with a title attribute, which NVDA and JAWS do not
// always read as the control's name; give them a real accessible name from the same text. The
// empty header above the row buttons gets a name too, so a screen reader can say what the column is.
(function () {
  "use strict";
  document.querySelectorAll("input[type=checkbox][title]:not([aria-label])").forEach(function ($box) {
    $box.setAttribute("aria-label", $box.title);
  });
  var label = document.documentElement.lang === "en" ? "Actions" : "Operacje";
  document.querySelectorAll("table.model-list th").forEach(function ($th) {
    if (!$th.textContent.trim() && !$th.querySelector("input")) {
      var $name = document.createElement("span");
      $name.className = "sr-only";
      $name.textContent = label;
      $th.appendChild($name);
    }
  });
})();

// Flask-Admin's tabs and sort headers link to "javascript:void(0)", which the CSP refuses to run
// (a console error on every click): make them plain "#" links, kept in place by the handler below.
document.querySelectorAll('a[href^="javascript:"]').forEach(function ($link) {
  "use strict";
  $link.setAttribute("href", "#");
});

// What Flask-Admin's templates did in inline onclick attributes, which the panel's
// Content-Security-Policy refuses to run: ask before deleting a record, run a bulk action, keep
// "#" links of menus from jumping to the top of the page.
document.addEventListener("click", function (event) {
  "use strict";
  var $confirm = event.target.closest("[data-confirm]");
  if ($confirm && !window.confirm($confirm.getAttribute("data-confirm"))) {
    event.preventDefault();
    return;
  }
  var $action = event.target.closest("[data-model-action]");
  if ($action) {
    event.preventDefault();
    window.modelActions.execute($action.getAttribute("data-model-action"));
    return;
  }
  var $link = event.target.closest('a[href="#"]');
  if ($link) {
    event.preventDefault();
  }
});
