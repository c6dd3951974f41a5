/* "Show only rows that differ" on the comparison table. */
(function () {
  "use strict";
  var toggle = document.getElementById("only-diff");
  if (!toggle) return;
  toggle.addEventListener("change", function () {
    document.querySelectorAll(".compare-table tr.same").forEach(function (row) {
      row.hidden = toggle.checked;
    });
  });
}());
