// Search as you type over the indicator catalogue; diacritics optional ("xoa mu chu" finds "xóa mù chữ").
(function () {
  const catalogue = JSON.parse(document.getElementById("catalogue").textContent);
  const box = document.getElementById("indicator-search");
  const code = document.getElementById("indicator-code");
  const list = document.getElementById("indicator-results");
  const fold = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
    .toLowerCase().replace(/\s+/g, " ").trim();
  catalogue.forEach((i) => { i.key = fold(i.label + " " + i.code); });
  function choose(item) {
    code.value = item.code;
    box.value = item.label;
    list.innerHTML = "";
    document.getElementById("compare-form").submit();
  }
  box.addEventListener("input", function () {
    const words = fold(box.value).split(" ").filter(Boolean);
    list.innerHTML = "";
    if (!words.length) return;
    const found = catalogue.filter((i) => words.every((w) => i.key.includes(w))).slice(0, 40);
    let group = null;
    found.forEach((item) => {
      if (item.report_type !== group) {
        group = item.report_type;
        const li = document.createElement("li");
        li.className = "group";
        li.textContent = item.report_type_name || group;  // named by the server (extractor.i18n)
        list.appendChild(li);
      }
      const li = document.createElement("li");
      li.className = "option";
      li.dataset.code = item.code;
      li.textContent = item.label + (item.unit ? " (" + item.unit + ")" : "") + " — " + item.code;
      li.addEventListener("click", () => choose(item));
      list.appendChild(li);
    });
  });
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      const first = list.querySelector("li.option");
      if (first) { event.preventDefault(); first.click(); }
    }
  });
})();
