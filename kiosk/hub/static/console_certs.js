// 晓屋 clerk console: certificates. The clerk chooses among her own department's
// certificates of the service (GET /api/v1/cases/{id}/certificate-choices, from the
// catalog's certificate steps), confirms the title, department, masked applicant and case,
// and the hub issues it (POST /api/v1/cases/{id}/certificates with the step); the hub
// refuses another department's, one issued already and one whose step is not reached
// (kiosk.hub.certificate_choice), and this page says why in words. A supervisor of the
// issuing department revokes a certificate with a reason (POST .../revoke).
// Loaded after console.js, whose globals (api, me, lang, currentCase, loadCase, deptName,
// name) it uses; it renders on the "xw:case" event console.js sends after each case render.
"use strict";

const CERT_T = {
  zh: {
    choose: "选择证明", none: "本部门在此事项中没有可出具的证明", issued: "已出具",
    not_reached: "前序步骤未完成", confirm_question: "确认出具以下证明？", confirm: "确认出具",
    cancel: "取消", f_title: "证明名称", f_department: "出具部门", f_applicant: "申请人",
    f_id: "证件号码", f_case: "案件编号", revoke: "撤销", revoke_reason: "撤销原因",
    revoke_confirm: "确认撤销", revoked: "已撤销", reason_needed: "请填写撤销原因",
    verify_url: "核验页",
    other_department: "这是其他部门的证明，只能出具本部门的证明",
    certificate_already_issued: "该证明已出具，不能重复出具",
    step_not_reached: "前序步骤尚未完成，还不能出具该证明",
    unknown_certificate: "此事项没有这个证明",
    no_certificate_for_department: "本部门在此事项中没有可出具的证明",
    supervisors_of_department_only: "只有出具部门的主管可以撤销证明",
    already_revoked: "该证明已被撤销",
    certificate_unavailable: "证照暂时无法生成，请稍后再试",
    case_not_found: "找不到该案件", error: "操作失败",
  },
  en: {
    choose: "Choose a certificate", none: "Your department issues no certificate in this service",
    issued: "issued", not_reached: "earlier steps not done", confirm_question: "Issue this certificate?",
    confirm: "Issue it", cancel: "Cancel", f_title: "Certificate", f_department: "Department",
    f_applicant: "Applicant", f_id: "ID number", f_case: "Case", revoke: "Revoke",
    revoke_reason: "Reason for revoking", revoke_confirm: "Revoke it", revoked: "Revoked",
    reason_needed: "Give the reason for revoking", verify_url: "Verification page",
    other_department: "This is another department's certificate; issue your own department's",
    certificate_already_issued: "This certificate was issued already; it cannot be issued twice",
    step_not_reached: "The steps before this certificate are not done yet",
    unknown_certificate: "This service has no such certificate",
    no_certificate_for_department: "Your department issues no certificate in this service",
    supervisors_of_department_only: "Only a supervisor of the issuing department may revoke it",
    already_revoked: "This certificate was revoked already",
    certificate_unavailable: "The certificate could not be made; try again",
    case_not_found: "The case was not found", error: "That did not work",
  },
};
const ct = (key) => (CERT_T[lang] && CERT_T[lang][key]) || CERT_T.zh[key] || key;
const certError = (err) => ct(err && err.code in CERT_T.zh ? err.code : "error");

let certChoices = null;  // the last GET .../certificate-choices answer, for the current case

async function loadCertChoices(c) {
  try {
    certChoices = await api("GET", `/api/v1/cases/${c.id}/certificate-choices`);
  } catch (err) {
    certChoices = null;
    $("#cert-error").textContent = certError(err);
  }
  renderCertChoices();
}

function renderCertChoices() {
  const sel = $("#cert-choice");
  const chosen = sel.value;
  sel.innerHTML = "";
  const choices = (certChoices && certChoices.choices) || [];
  for (const choice of choices) {
    const o = document.createElement("option");
    o.value = String(choice.position);
    const state = choice.issued ? ct("issued") : choice.reached ? "" : ct("not_reached");
    o.textContent = `${name(choice.title)} · ${name(choice.department_name)}` + (state ? ` (${state})` : "");
    o.disabled = choice.issued || !choice.reached;
    sel.append(o);
  }
  const ready = choices.filter((c) => !c.issued && c.reached);
  if (chosen && ready.some((c) => String(c.position) === chosen)) sel.value = chosen;
  else if (ready.length) sel.value = String(ready[0].position);
  $("#issue").disabled = !ready.length;
  // Why the button cannot work, in words (the first reason that applies).
  $("#cert-why").textContent = !choices.length ? ct("none")
    : ready.length ? "" : choices.some((c) => !c.issued) ? ct("step_not_reached") : ct("certificate_already_issued");
}

function chosenCertificate() {
  const choices = (certChoices && certChoices.choices) || [];
  return choices.find((c) => String(c.position) === $("#cert-choice").value) || null;
}

$("#issue").addEventListener("click", () => {
  const choice = chosenCertificate();
  if (!currentCase || !certChoices || !choice) return;
  $("#cert-error").textContent = "";
  const facts = $("#cert-confirm-facts");
  facts.innerHTML = "";
  const a = certChoices.applicant;
  for (const [key, value] of [
    ["f_title", name(choice.title)],
    ["f_department", name(choice.department_name)],
    ["f_applicant", a.name || "—"],
    ["f_id", a.id_number || "—"],
    ["f_case", certChoices.case_id],
  ]) {
    const dt = document.createElement("dt"); dt.textContent = ct(key); dt.dataset.fact = key;
    const dd = document.createElement("dd"); dd.textContent = value; dd.dataset.fact = key;
    facts.append(dt, dd);
  }
  $("#cert-confirm").dataset.position = String(choice.position);
  $("#cert-confirm").hidden = false;
  $("#cert-confirm-ok").focus();
});

$("#cert-confirm-cancel").addEventListener("click", () => { $("#cert-confirm").hidden = true; });

$("#cert-confirm-ok").addEventListener("click", async () => {
  const box = $("#cert-confirm");
  if (!currentCase || box.hidden) return;
  box.hidden = true;
  try {
    await api("POST", `/api/v1/cases/${currentCase.id}/certificates`, { step: Number(box.dataset.position) });
    await loadCase(currentCase.id);
  } catch (err) {
    $("#cert-error").textContent = certError(err);
    if (currentCase) await loadCertChoices(currentCase);
  }
});

function renderCertificates(c) {
  const certs = $("#certificates");
  certs.innerHTML = "";
  const supervisor = me && me.roles.includes("supervisor");
  for (const cert of c.certificates) {
    const li = document.createElement("li");
    li.dataset.certificate = cert.id;
    const a = document.createElement("a");
    a.href = cert.pdf_url;
    a.className = "certificate";
    a.addEventListener("click", (ev) => { ev.preventDefault(); openDownload(cert); });
    a.textContent = `${cert.title} (${deptName(cert.department)})`;
    const v = document.createElement("a");
    v.href = cert.verify_url;
    v.target = "_blank";
    v.textContent = ct("verify_url");
    li.append(a, " · ", v);
    if (cert.revoked) {
      const r = document.createElement("strong");
      r.className = "revoked";
      r.textContent = ` · ${ct("revoked")}: ${cert.revoked_reason}`;
      li.append(r);
    } else if (supervisor && cert.department === me.department) {
      li.append(" ", revokeControls(cert));
    }
    certs.append(li);
  }
}

function revokeControls(cert) {
  const span = document.createElement("span");
  span.className = "revoke";
  const reason = document.createElement("input");
  reason.className = "revoke-reason";
  reason.maxLength = 300;
  reason.placeholder = ct("revoke_reason");
  const b = document.createElement("button");
  b.type = "button";
  b.className = "revoke";
  b.textContent = ct("revoke");
  b.addEventListener("click", async () => {
    if (!reason.value.trim()) { $("#cert-error").textContent = ct("reason_needed"); reason.focus(); return; }
    $("#cert-error").textContent = "";
    try {
      await api("POST", `/api/v1/certificates/${cert.id}/revoke`, { reason: reason.value.trim() });
      if (currentCase) await loadCase(currentCase.id);
    } catch (err) { $("#cert-error").textContent = certError(err); }
  });
  span.append(reason, b);
  return span;
}

document.addEventListener("xw:case", (ev) => {
  const c = ev.detail;
  $("#cert-confirm-ok").textContent = ct("confirm");
  $("#cert-confirm-cancel").textContent = ct("cancel");
  $("#cert-confirm-question").textContent = ct("confirm_question");
  renderCertificates(c);
  if (certChoices && certChoices.case_id !== c.id) $("#cert-confirm").hidden = true;
  loadCertChoices(c);
});
