// 晓屋 clerk console: the department's cases (GET /api/v1/desk/cases): waiting for us (the
// case's next step is ours), open, done today; a search by case number, masked name (张*) or
// the phone's last four digits. The hub scopes the list to the clerk's department. The case
// a clerk has open is kept in the tab's sessionStorage, so a reload opens it again.
// Loaded after console.js, whose globals (api, lang, name, loadCase, currentCase) it uses.
"use strict";

const CASES_T = {
  zh: {
    cases: "本部门案件", search: "案件编号 / 姓名（张*）/ 手机尾号", waiting: "等待本部门",
    open: "办理中", done_today: "今日办结", none: "无", open_case: "打开", next: "下一步",
    error: "案件列表暂时无法加载",
  },
  en: {
    cases: "Our department's cases", search: "Case number / name (Z*) / phone's last 4 digits",
    waiting: "Waiting for us", open: "Open", done_today: "Done today", none: "none",
    open_case: "Open", next: "next", error: "The case list could not be loaded",
  },
};
const cst = (key) => (CASES_T[lang] && CASES_T[lang][key]) || CASES_T.zh[key] || key;
const OPEN_CASE_KEY = "xw.case";
let deskCases = null;
let casesQuery = "";

async function loadDeskCases() {
  try {
    const q = casesQuery ? `?q=${encodeURIComponent(casesQuery)}` : "";
    deskCases = await api("GET", `/api/v1/desk/cases${q}`);
    $("#cases-error").textContent = "";
  } catch (err) {
    $("#cases-error").textContent = cst("error");
  }
  renderDeskCases();
}

function renderDeskCases() {
  $("#cases-heading").textContent = cst("cases");
  $("#case-search").placeholder = cst("search");
  $("#cases-waiting-heading").textContent = cst("waiting");
  $("#cases-open-heading").textContent = cst("open");
  $("#cases-done-heading").textContent = cst("done_today");
  for (const [group, list] of [["waiting", "#cases-waiting"], ["open", "#cases-open"], ["done_today", "#cases-done"]]) {
    const ul = $(list);
    ul.innerHTML = "";
    const rows = (deskCases && deskCases[group]) || [];
    if (!rows.length) {
      const li = document.createElement("li");
      li.className = "none";
      li.textContent = cst("none");
      ul.append(li);
    }
    for (const row of rows) {
      const li = document.createElement("li");
      li.className = "desk-case";
      li.dataset.case = row.id;
      const b = document.createElement("button");
      b.type = "button";
      b.className = "open-case";
      b.textContent = cst("open_case");
      b.addEventListener("click", () => openCase(row.id));
      const text = document.createElement("span");
      const next = row.next_step ? ` · ${cst("next")}: ${row.next_step.name}` : "";
      text.textContent = `${row.id.slice(0, 8)} ${name(row.service)} · ${row.applicant || "—"} ${row.phone || ""}${next} `;
      li.append(text, b);
      ul.append(li);
    }
  }
}

async function openCase(caseId) {
  try {
    await loadCase(caseId);
  } catch (err) {
    sessionStorage.removeItem(OPEN_CASE_KEY);  // gone, or no longer ours
    $("#cases-error").textContent = cst("error");
  }
}

let searchTimer = null;
$("#case-search").addEventListener("input", (ev) => {
  casesQuery = ev.target.value.trim();
  clearTimeout(searchTimer);
  searchTimer = setTimeout(loadDeskCases, 250);  // one request once she stops typing
});
$("#lang").addEventListener("click", renderDeskCases);

document.addEventListener("xw:case", (ev) => sessionStorage.setItem(OPEN_CASE_KEY, ev.detail.id));

document.addEventListener("xw:started", () => {
  loadDeskCases();
  const kept = sessionStorage.getItem(OPEN_CASE_KEY);
  if (kept && !currentCase) openCase(kept);
});
