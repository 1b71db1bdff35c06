// Funding and own share of a budget line while it is typed (the import's step 2). Without
// JavaScript, "Finanzierung berechnen" sends the form and the server answers with the same sums.
"use strict";
(function () {
  const euro = new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" });
  // As people type amounts: "12.500,00", "12500", "1.234,5 €" (the server's parse_euros decides).
  function number(text) {
    let cleaned = (text || "").replace(/[€%\s\u00a0]/g, "");
    if (cleaned === "") return null;
    if (cleaned.includes(",")) cleaned = cleaned.replace(/\./g, "").replace(",", ".");
    else if (/^\d{1,3}(\.\d{3})+$/.test(cleaned)) cleaned = cleaned.replace(/\./g, "");
    return /^\d+(\.\d{1,2})?$/.test(cleaned) ? Number(cleaned) : null;
  }
  document.querySelectorAll("[data-budget-preview]").forEach(function (box) {
    const [amountId, rateId] = box.dataset.budgetPreview.split(" ");
    const amount = document.getElementById(amountId);
    const rate = document.getElementById(rateId);
    const output = box.querySelector("output");
    function update() {
      const a = number(amount.value);
      const r = number(rate.value);
      if (a === null || r === null || r > 100) return;
      const funding = Math.round(a * r) / 100;
      output.textContent = output.dataset.label
        .replace("%(funding)s", euro.format(funding))
        .replace("%(own)s", euro.format(a - funding));
    }
    amount.addEventListener("input", update);
    rate.addEventListener("input", update);
  });
})();
