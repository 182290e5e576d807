/* What every page shares, with no script in the markup (the Content-Security-Policy
   allows none): a button with data-confirm asks before its form is sent; a select with
   data-autosubmit sends its form when it changes. */
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.dataset.confirm)) { e.preventDefault(); }
  });
  document.addEventListener("change", function (e) {
    var select = e.target.closest ? e.target.closest("select[data-autosubmit]") : null;
    if (select && select.form) { select.form.submit(); }
  });
})();
