/* Kanban: drag a card onto a column (or pick a stage on a phone), give the effective
   date, and the same stage form and service as the project page record the move. */
(function () {
  "use strict";
  var board = document.getElementById("kanban");
  if (!board || board.dataset.canWrite !== "1") { return; }
  var dialog = new bootstrap.Modal(document.getElementById("move-dialog"));
  var form = document.getElementById("move-form");
  var errors = document.getElementById("move-errors");
  var pending = null;

  function csrf() {  // the cookie is HttpOnly: the page carries the token
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  function ask(code, stage, label) {
    pending = { code: code, stage: stage };
    document.getElementById("move-what").textContent = code + " → " + label;
    document.getElementById("move-sign").classList.toggle("d-none", stage !== "signed");
    document.getElementById("move-confirm").classList.add("d-none");
    document.getElementById("move-confirm-box").checked = false;
    errors.classList.add("d-none");
    dialog.show();
  }
  board.querySelectorAll(".kanban-card[draggable=true]").forEach(function (card) {
    card.addEventListener("dragstart", function (e) { e.dataTransfer.setData("text/plain", card.dataset.code); });
  });
  board.querySelectorAll(".kanban-col").forEach(function (col) {
    col.addEventListener("dragover", function (e) { e.preventDefault(); col.classList.add("drop-target"); });
    col.addEventListener("dragleave", function () { col.classList.remove("drop-target"); });
    col.addEventListener("drop", function (e) {
      e.preventDefault(); col.classList.remove("drop-target");
      ask(e.dataTransfer.getData("text/plain"), col.dataset.stage, col.getAttribute("aria-label"));
    });
  });
  board.querySelectorAll("select[data-move]").forEach(function (sel) {
    sel.addEventListener("change", function () {
      if (!sel.value) { return; }
      ask(sel.closest(".kanban-card").dataset.code, sel.value, sel.options[sel.selectedIndex].text);
      sel.value = "";
    });
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var body = new FormData(form);
    body.append("code", pending.code);
    body.append("stage", pending.stage);
    fetch(board.dataset.moveUrl, { method: "POST", body: body, headers: { "X-CSRFToken": csrf() },
      credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (res) {
        if (res.ok) { window.location.reload(); return; }
        var msgs = [];
        Object.keys(res.body.errors || {}).forEach(function (k) { msgs = msgs.concat(res.body.errors[k]); });
        errors.textContent = msgs.join(" ") || res.body.detail || "操作失败";
        errors.classList.remove("d-none");
        if (res.body.confirm) { document.getElementById("move-confirm").classList.remove("d-none"); }
      });
  });
})();
