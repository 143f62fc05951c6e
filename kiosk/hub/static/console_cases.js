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

// -- the next department is told; the case's history in words ---------------------------
const HISTORY_T = {
  zh: {
    history: "办理记录", waiting_notice: "新案件等待本部门：", by: "由",
    opened: "开始办理", queued: "排队等候坐席", joined_call: "坐席加入通话", left_call: "坐席离开通话",
    ended_call: "通话结束", invited: "邀请其他部门", material_added: "上传材料",
    material_verified: "材料已核验原件", form_edited: "填写表单", step_done: "完成步骤",
    step_refused: "审核未通过", rules_approved: "规则自动审核通过", rules_referred: "转人工审核",
    certificate_issued: "出具证明", certificate_revoked: "撤销证明", case_done: "全部办结",
    rated: "群众评价", door_open_requested: "手机扫码开门", session_started: "晓屋会话开始",
    session_ended: "晓屋会话结束", door_opened: "门已打开", device_fault: "设备故障",
    booth: "晓屋", citizen: "群众", rules: "规则", clerk: "坐席",
  },
  en: {
    history: "History", waiting_notice: "A case now waits for us: ", by: "by",
    opened: "Opened", queued: "Waited for a clerk", joined_call: "A clerk joined the call",
    left_call: "A clerk left the call", ended_call: "The call ended", invited: "Another department invited",
    material_added: "Material captured", material_verified: "Material checked against the original",
    form_edited: "Form filled in", step_done: "Step done", step_refused: "Review refused",
    rules_approved: "Approved by the rules", rules_referred: "Referred to a clerk",
    certificate_issued: "Certificate issued", certificate_revoked: "Certificate revoked",
    case_done: "Case finished", rated: "Rated by the citizen", door_open_requested: "Door opened from the phone",
    session_started: "Booth session started", session_ended: "Booth session ended", door_opened: "Door opened",
    device_fault: "Device fault", booth: "booth", citizen: "citizen", rules: "rules", clerk: "clerk",
  },
};
const ht = (key) => (HISTORY_T[lang] && HISTORY_T[lang][key]) || HISTORY_T.zh[key] || key;

function actorInWords(c, actor) {
  const [kind, id] = String(actor || "").split(":");
  if (kind === "clerk") {
    const clerk = (c.clerks || []).find((x) => x.id === id);
    return clerk ? `${clerk.name} (${deptName(clerk.department)})` : ht("clerk");
  }
  if (kind === "rules") return `${ht("rules")} (${deptName(id)})`;
  return ht(kind) || "";
}

function detailInWords(c, h) {
  const d = h.detail || {};
  if (d.title) return d.title;
  if (d.position !== undefined) {
    const step = (c.steps || []).find((s) => s.position === d.position);
    return step ? step.name : "";
  }
  if (d.reason) return d.reason;
  if (d.department) return deptName(d.department);
  if (d.code) {
    const m = (c.materials_required || []).find((r) => r.code === d.code);
    return m ? name(m.name) : "";
  }
  return "";
}

function renderHistory(c) {
  $("#case-history-heading").textContent = ht("history");
  const ol = $("#case-history");
  ol.innerHTML = "";
  for (const h of c.history || []) {
    const li = document.createElement("li");
    li.dataset.what = h.what;
    const when = new Date(h.at).toLocaleTimeString(lang === "en" ? "en-GB" : "zh-CN", { hour: "2-digit", minute: "2-digit" });
    const detail = detailInWords(c, h);
    const who = actorInWords(c, h.actor);
    const colon = lang === "en" ? ": " : "：";
    li.textContent = `${when} ${ht(h.what)}${detail ? colon + detail : ""}${who ? ` · ${ht("by")} ${who}` : ""}`;
    ol.append(li);
  }
}

document.addEventListener("xw:case", (ev) => renderHistory(ev.detail));

document.addEventListener("xw:frame", (ev) => {
  const f = ev.detail;
  if (f.type !== "case_waiting") return;
  $("#cases-notice").textContent = `${ht("waiting_notice")}${name(f.service)} · ${f.step.name} · ${f.case_id.slice(0, 8)}`;
  loadDeskCases();
});
