/* Suggestions for the company field from the register (our own endpoint, no outside
   asset). The endpoint answers <option> elements it rendered with Django's escaping; they
   are parsed into a detached template and only the option values are copied over. */
(function () {
  "use strict";
  var input = document.querySelector('input[list="company-options"]');
  var list = document.getElementById("company-options");
  if (!input || !list) { return; }
  var timer = null;
  function show(html) {
    var parsed = document.createElement("template");
    parsed.innerHTML = html;  // inert: a <template> runs no script and loads nothing
    var options = Array.prototype.map.call(parsed.content.querySelectorAll("option"), function (o) {
      var option = document.createElement("option");
      option.value = o.value;
      return option;
    });
    list.replaceChildren.apply(list, options);
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q.length < 1) { return; }
      fetch(list.dataset.url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(show);
    }, 200);
  });
})();
