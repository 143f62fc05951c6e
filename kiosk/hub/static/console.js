// 晓屋 clerk console: queue, calls (browser WebRTC), the case, certificates, and the
// department's reviews that its rules referred to a clerk (GET /api/v1/reviews).
// Protocol: see the kiosk.hub.protocol module. Plain JS, no build step.
"use strict";

const T = {
  zh: {
    logout: "退出登录", title: "晓屋 · 云坐席", login: "坐席登录", username: "用户名", password: "密码", signin: "登录",
    online: "在线", away: "离开", busy: "通话中", queue: "排队", queue_empty: "暂无等候",
    accept: "接入", invite_kind: "邀请", waiting: "已等候", seconds: "秒", call: "通话",
    face: "人脸摄像头", doc: "高拍仪", invite: "邀请部门", end_call: "结束通话（所有人）", case: "案件",
    steps: "步骤", materials: "材料", request_capture: "请求拍摄", open_slot: "打开寄存柜", form: "表单",
    certificate: "出具证明", cert_title: "证明名称", issue: "出具证明", complete: "完成",
    verify: "核验原件", verified_against: "核验依据", done: "已完成", pending: "待办",
    trust: "可信等级", bad_credentials: "用户名或密码错误", too_many_attempts: "尝试过多，请稍后再试",
    verify_url: "核验地址", booth: "晓屋", lang: "English", citizen: "申请人",
    error: "操作失败", call_ended: "通话已结束", joined: "加入通话",
    reviews: "待人工审核", reviews_empty: "暂无待审核申请", referred_at: "转审时间", open_case: "查看",
    approve: "批准", refuse: "驳回", refuse_reason: "驳回理由（将发送给申请人）",
    reason_required: "请填写驳回理由", approved: "已批准", refused: "已驳回",
    already_decided: "该审核已有结果", certificate_unavailable: "证照暂时无法生成，请稍后再试",
    show_form: "在晓屋显示表单", form_shown: "表单已显示在晓屋屏幕上",
    push_failed: "晓屋未能执行", no_form_step: "该事项没有表单步骤", no_service_item: "晓屋上没有正在办理的事项",
    form_not_now: "此时无法显示表单", booth_offline: "晓屋未连接", not_in_call: "未与该晓屋通话",
    reason_material_missing: "缺少材料", reason_material_untrusted: "材料可信等级不足",
    reason_field_missing: "未填写", reason_field_check: "未通过校验", reason_over_limit: "超出限额",
    reason_under_limit: "低于下限", reason_too_old: "超过期限", reason_in_future: "日期晚于今天",
    reason_no_rules: "该事项需人工审核", reason_hub_rejected: "提交被拒绝",
  },
  en: {
    title: "Xiaowu · Cloud desk", login: "Clerk sign-in", username: "User name", password: "Password",
    logout: "Sign out", signin: "Sign in", online: "Online", away: "Away", busy: "In a call", queue: "Queue",
    queue_empty: "Nobody waiting", accept: "Accept", invite_kind: "Invitation", waiting: "waiting",
    seconds: "s", call: "Call", face: "Face camera", doc: "Document camera",
    invite: "Invite department", end_call: "End the call for everyone", case: "Case", steps: "Steps",
    materials: "Materials", request_capture: "Request capture", open_slot: "Open a locker slot", form: "Form",
    certificate: "Issue a certificate", cert_title: "Certificate title", issue: "Issue",
    complete: "Complete", verify: "Verify against original", verified_against: "Checked against",
    done: "done", pending: "pending", trust: "Trust level", bad_credentials: "Wrong user name or password",
    too_many_attempts: "Too many attempts; try later", verify_url: "Verification", booth: "Booth",
    lang: "中文", citizen: "Applicant", error: "Failed", call_ended: "Call ended", joined: "joined",
    reviews: "Reviews referred to a clerk", reviews_empty: "No reviews waiting", referred_at: "referred",
    open_case: "Open", approve: "Approve", refuse: "Refuse",
    refuse_reason: "Reason for refusing (sent to the applicant)", reason_required: "Give a reason for refusing",
    approved: "Approved", refused: "Refused",
    already_decided: "This review was decided already", certificate_unavailable: "The certificate could not be made; try again", show_form: "Show the form on the booth",
    form_shown: "The form is on the booth's screen", push_failed: "The booth could not do it",
    no_form_step: "This service has no form step", no_service_item: "No service is running at the booth",
    form_not_now: "The form cannot be shown now", booth_offline: "The booth is not connected",
    not_in_call: "Not in a call with this booth",
    reason_material_missing: "material missing", reason_material_untrusted: "material not trusted enough",
    reason_field_missing: "not filled in", reason_field_check: "failed its check", reason_over_limit: "over the limit",
    reason_under_limit: "under the minimum", reason_too_old: "too long ago", reason_in_future: "in the future",
    reason_no_rules: "this service is reviewed by a clerk", reason_hub_rejected: "the submission was refused",
  },
};
let lang = localStorage.getItem("xw.lang") || "zh";
let token = sessionStorage.getItem("xw.clerk");
let me = null;
let ws = null;
let call = null;          // {id, booth_id, case_id}
let currentCase = null;
let departments = [];
let queueEntries = [];
let localStream = null;
const pcs = new Map();    // peer -> RTCPeerConnection
const $ = (sel) => document.querySelector(sel);
const t = (key) => (T[lang] && T[lang][key]) || T.zh[key] || key;
// A hub error code in words (static/i18n via page_errors.js), the code itself only
// until the tables have loaded.
const errText = (code) => (window.xwErrorText ? window.xwErrorText(lang, code) : code);
// A failed action is told next to the call's buttons, where the clerk is looking, and kept
// in the event log.
function showError(err) {
  const words = errText(err.code);
  const status = $("#push-status");
  if (status) status.textContent = words;
  log(words);
}
const name = (text) => (text && (lang === "en" ? text.en : text.zh_CN)) || "";
window.xw = { pcs, get call() { return call; }, get caseView() { return currentCase; } };
// The keyboard's way to the console's own actions (console_keys.js binds the keys).
window.xw.keys = {
  lang: () => lang,
  me: () => me,
  localStream: () => localStream,
  queue: () => queueEntries,
  accept: (entry) => accept(entry),
  invite: () => inviteChosen(),
  completeStep: (position) => act("POST", `/api/v1/cases/${currentCase.id}/steps/${position}/complete`),
};

function applyLang() {
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  });
  $("#lang").textContent = t("lang");
  renderQueue();
  renderReviews();
  if (currentCase) renderCase(currentCase);
}

const api = xwApi.makeApi({ token: () => token });

function log(text) {
  const li = document.createElement("li");
  li.textContent = new Date().toLocaleTimeString() + " " + text;
  $("#events").prepend(li);
}

// -- login -----------------------------------------------------------------------------
$("#login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  $("#login-error").textContent = "";
  try {
    const res = await api("POST", "/api/v1/auth/login", {
      username: form.get("username"), password: form.get("password"),
    });
    token = res.token;
    sessionStorage.setItem("xw.clerk", token);
    await start();
  } catch (err) {
    $("#login-error").textContent = errText(err.code);
  }
});

// Sign out: the hub ends the session (and closes its socket); the page starts afresh.
$("#logout").addEventListener("click", async () => {
  try { await api("POST", "/api/v1/auth/logout"); } catch (err) { /* already ended */ }
  sessionStorage.removeItem("xw.clerk");
  token = null;
  location.reload();
});

$("#lang").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("xw.lang", lang);
  applyLang();
});

async function start() {
  try {
    me = await api("GET", "/api/v1/me");
  } catch (err) {
    sessionStorage.removeItem("xw.clerk");
    token = null;
    return;
  }
  $("#login-view").hidden = true;
  $("#logout").hidden = false;
  $("#desk").hidden = false;
  $("#presence").hidden = false;
  $("#who").textContent = `${me.name} · ${me.department}`;
  departments = (await api("GET", "/api/v1/departments")).departments;
  const sel = $("#invite-dept");
  sel.innerHTML = "";
  for (const d of departments) {
    if (d.code === me.department) continue;
    const o = document.createElement("option");
    o.value = d.code;
    o.textContent = name(d.name);
    sel.append(o);
  }
  connect();
  loadReviews();
  document.dispatchEvent(new CustomEvent("xw:started"));  // console_cases.js lists the cases
}

// -- clerk WebSocket ---------------------------------------------------------------------
function connect() {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  // The token goes in the first frame, never in the URL (URLs end up in logs).
  ws = new WebSocket(`${proto}//${location.host}/ws/clerk`);
  const socket = ws;
  ws.onopen = () => socket.send(JSON.stringify({ type: "auth", token }));
  ws.onmessage = (ev) => onFrame(JSON.parse(ev.data));
  ws.onclose = () => { setTimeout(() => { if (token) connect(); }, 2000); };
  window.xw.ws = ws;
}

function send(frame) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
}

$("#presence").addEventListener("change", (ev) => send({ type: "presence", status: ev.target.value }));

async function onFrame(f) {
  // console_calls.js and console_cases.js act on some frames too (hand-over, case_waiting)
  document.dispatchEvent(new CustomEvent("xw:frame", { detail: f }));
  switch (f.type) {
    case "welcome": window.xw.connected = true; loadReviews(); break;  // missed while away
    case "ping": send({ type: "pong", ts: f.ts }); break;
    case "queue": queueEntries = f.entries; renderQueue(); break;
    case "signal": await onSignal(f); break;
    case "call":
      if (f.event === "joined") log(`${f.clerk ? f.clerk.name : f.peer} ${t("joined")}`);
      if (f.event === "left") closePeer(f.peer);
      if (f.event === "ended") endLocal();
      break;
    case "form_field":
      if (currentCase && f.case_id === currentCase.id) setField(f.key, f.value);
      break;
    case "case_updated":
      if (currentCase && f.case_id === currentCase.id) await loadCase(currentCase.id);
      break;
    case "reviews_changed": await loadReviews(); break;
    case "booth_event": log(`${t("booth")} ${f.booth_id}: ${f.name} ${JSON.stringify(f.data)}`); break;
    case "presence": $("#presence").value = f.status === "away" ? "away" : "online"; break;
    case "error": log(`${t("error")}: ${f.code}`); break;
  }
}

// -- queue ---------------------------------------------------------------------------
function renderQueue() {
  const ul = $("#queue");
  if (!ul) return;
  ul.innerHTML = "";
  $("#queue-empty").hidden = queueEntries.length > 0;
  for (const e of queueEntries) {
    const li = document.createElement("li");
    li.dataset.entry = e.id;
    li.dataset.kind = e.kind;
    const waited = Math.round(e.waiting_s + (Date.now() - (e._seen || (e._seen = Date.now()))) / 1000);
    describeEntry(li, e, waited);  // console_queue.js: service, applicant, booth, mm:ss
    const b = document.createElement("button");
    b.className = "accept primary";
    b.textContent = t("accept");
    b.onclick = () => accept(e);
    li.append(b);
    ul.append(li);
  }
}
setInterval(renderQueue, 1000);

async function accept(entry) {
  let res;
  try {
    res = await api("POST", `/api/v1/queue/${entry.id}/accept`);
  } catch (err) {
    acceptFailed(entry, err);  // console_queue.js says why, where she looks
    return;
  }
  acceptFailed(null, null);
  // res.ice: the hub's STUN/TURN servers with this clerk's own TURN credentials.
  call = { id: res.call_id, booth_id: res.booth_id, case_id: res.case_id, me: res.you, ice: res.ice };
  $("#call-panel").hidden = false;
  $("#call-id").textContent = `${t("booth")} ${res.booth_id}`;
  // The case first: a peer that cannot be reached must not keep the clerk from it.
  if (res.case_id) await loadCase(res.case_id);
  await getLocalMedia();
  for (const peer of res.peers) {
    try { await offerTo(peer); } catch (err) { log(`${peer}: ${err.name || err}`); }
  }
}

// -- WebRTC --------------------------------------------------------------------------
async function getLocalMedia() {
  if (localStream) return localStream;
  try {
    localStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  } catch (err) {
    log("no camera/microphone: " + err.name);
    localStream = null;
  }
  return localStream;
}

function makePc(peer) {
  const iceServers = (call && call.ice && call.ice.iceServers) || [];
  const pc = new RTCPeerConnection({ iceServers });
  pcs.set(peer, pc);
  pc.ontrack = (ev) => onTrack(peer, pc, ev);
  pc.onconnectionstatechange = () => log(`${peer}: ${pc.connectionState}`);
  return pc;
}

function onTrack(peer, pc, ev) {
  const index = pc.getTransceivers().indexOf(ev.transceiver);
  const stream = new MediaStream([ev.track]);
  if (peer.startsWith("booth:")) {
    if (ev.track.kind === "audio") $("#booth-audio").srcObject = stream;
    else if (index <= 1) $("#face").srcObject = stream;   // face camera: the first video
    else $("#doc").srcObject = stream;                   // document camera: the second
  } else {
    let v = document.querySelector(`[data-peer="${peer}"]`);
    if (!v) {
      v = document.createElement(ev.track.kind === "audio" ? "audio" : "video");
      v.autoplay = true;
      v.playsInline = true;
      v.dataset.peer = peer;
      $("#peers").append(v);
    }
    if (ev.track.kind === "video" || !v.srcObject) v.srcObject = stream;
  }
}

function addLocal(pc, kind, direction) {
  const track = localStream && localStream.getTracks().find((tr) => tr.kind === kind);
  if (track) return pc.addTransceiver(track, { direction, streams: [localStream] });
  return pc.addTransceiver(kind, { direction: "recvonly" });
}

function gathered(pc) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { if (pc.iceGatheringState === "complete") resolve(); };
    pc.addEventListener("icegatheringstatechange", done);
    setTimeout(resolve, 3000);
  });
}

async function offerTo(peer) {
  const pc = makePc(peer);
  addLocal(pc, "audio", "sendrecv");
  addLocal(pc, "video", "sendrecv");
  // The booth sends two videos: its face camera, then its document camera.
  if (peer.startsWith("booth:")) pc.addTransceiver("video", { direction: "recvonly" });
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  send({ type: "signal", call_id: call.id, to: peer, kind: "offer", sdp: pc.localDescription.sdp });
}

async function onSignal(f) {
  if (!call || f.call_id !== call.id) {
    if (f.kind !== "offer") return;
    call = call || { id: f.call_id };
  }
  let pc = pcs.get(f.from);
  if (f.kind === "offer") {
    await getLocalMedia();
    // The booth (aiortc, no ICE restart) recovers a broken link with a new connection and
    // a new offer: start afresh rather than renegotiate the dead one.
    if (pc) closePeer(f.from);
    pc = makePc(f.from);
    await pc.setRemoteDescription({ type: "offer", sdp: f.sdp });
    for (const tr of pc.getTransceivers()) {
      const kind = tr.receiver.track.kind;
      const track = localStream && localStream.getTracks().find((x) => x.kind === kind);
      if (track && !tr.sender.track) { await tr.sender.replaceTrack(track); tr.direction = "sendrecv"; }
    }
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    send({ type: "signal", call_id: f.call_id, to: f.from, kind: "answer", sdp: pc.localDescription.sdp });
  } else if (f.kind === "answer" && pc) {
    await pc.setRemoteDescription({ type: "answer", sdp: f.sdp });
  } else if (f.kind === "candidate" && pc && f.candidate) {
    try { await pc.addIceCandidate(f.candidate); } catch (err) { log("bad candidate"); }
  } else if (f.kind === "bye") {
    closePeer(f.from);
    if (f.from.startsWith("booth:")) endLocal();
  }
}

function closePeer(peer) {
  const pc = pcs.get(peer);
  if (pc) pc.close();
  pcs.delete(peer);
  document.querySelectorAll(`[data-peer="${peer}"]`).forEach((el) => el.remove());
}

function endLocal() {
  for (const peer of [...pcs.keys()]) closePeer(peer);
  call = null;
  $("#call-panel").hidden = true;
  $("#face").srcObject = null;
  $("#doc").srcObject = null;
  log(t("call_ended"));
}

$("#end-call").addEventListener("click", async () => {
  if (!call) return;
  try { await api("POST", `/api/v1/calls/${call.id}/end`); } catch (err) { showError(err); }
  endLocal();
});

// Whether the chosen department was invited (a failure is shown where the clerk looks).
async function inviteChosen() {
  if (!call) return false;
  try {
    await api("POST", `/api/v1/calls/${call.id}/invite`, { department: $("#invite-dept").value });
    log(`${t("invite")}: ${$("#invite-dept").value}`);
    return true;
  } catch (err) { showError(err); return false; }
}
$("#invite").addEventListener("click", inviteChosen);

// -- the case ------------------------------------------------------------------------
async function loadCase(caseId) {
  const asked = performance.now();
  const c = await api("GET", `/api/v1/cases/${caseId}`);
  c.askedAt = asked;
  for (const [key, heard] of Object.entries(formHeard)) {
    if (heard.caseId === c.id && heard.at >= asked) c.form[key] = heard.value;  // newer
  }
  currentCase = c;
  renderCase(c);
}

function deptName(code) {
  const d = departments.find((x) => x.code === code);
  return d ? name(d.name) : code || "";
}

function renderCase(c) {
  $("#case-panel").hidden = false;
  $("#case-title").textContent = `${name(c.service_name)} · ${c.id.slice(0, 8)}`;
  $("#case-citizen").textContent = `${t("citizen")}: ${c.citizen.name} ${c.citizen.id_number}`;
  const steps = $("#steps");
  steps.innerHTML = "";
  for (const s of c.steps) {
    const li = document.createElement("li");
    li.dataset.position = s.position;
    li.className = s.status;
    li.textContent = `${s.name} (${deptName(s.department)}) · ${t(s.status)} `;
    const mine = s.department === me.department || me.roles.includes("admin");
    if (s.status !== "done" && mine) {
      const b = document.createElement("button");
      b.className = "complete";
      b.textContent = t("complete");
      b.onclick = () => act("POST", `/api/v1/cases/${c.id}/steps/${s.position}/complete`);
      li.append(b);
    }
    steps.append(li);
  }
  const sel = $("#capture-material");
  const chosen = sel.value;  // a reload keeps the clerk's choice
  sel.innerHTML = "";
  for (const m of c.materials_required || []) {
    const o = document.createElement("option");
    o.value = m.code;
    o.textContent = name(m.name);
    sel.append(o);
  }
  if (chosen && [...sel.options].some((o) => o.value === chosen)) sel.value = chosen;
  const ul = $("#materials");
  ul.innerHTML = "";
  for (const m of c.materials) {
    const li = document.createElement("li");
    li.className = "material";
    li.dataset.material = m.id;
    li.dataset.code = m.code;
    const head = document.createElement("div");
    head.innerHTML = `<b></b> <span class="trust trust-${m.trust_level}">${t("trust")} ${m.trust_level}</span>`;
    const required = (c.materials_required || []).find((r) => r.code === m.code);
    head.querySelector("b").textContent = required ? name(required.name) : m.code;
    li.append(head);
    if (m.has_image) {
      const img = document.createElement("img");
      img.alt = m.code;
      fetch(`/api/v1/materials/${m.id}/image`, { headers: { Authorization: "Bearer " + token } })
        .then((r) => r.blob()).then((b) => { img.src = URL.createObjectURL(b); });
      li.append(img);
    }
    const dl = document.createElement("dl");
    for (const [k, v] of Object.entries(m.ocr_fields)) {
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = String(v);
      dl.append(dt, dd);
    }
    li.append(dl);
    if (m.trust_level === "C") {
      li.append(verifyControls(m));  // console_materials.js: the basis is required
    } else {
      const p = document.createElement("p");
      p.textContent = `${t("verified_against")}: ${m.verified_against}`;
      li.append(p);
    }
    ul.append(li);
  }
  renderForm(c);
  // Certificates (console_certs.js) and the case list (console_cases.js) render themselves.
  document.dispatchEvent(new CustomEvent("xw:case", { detail: c }));
}

// The shared form is updated in place, never rebuilt: a case reloads whenever another party
// changes it (a material arrives, a step is done), and a rebuilt form would take the focus
// and the caret from the clerk typing in it. A field the clerk is typing in (its text differs
// from what was last shown or sent) keeps her text; a field she sent after the reloaded copy
// was read keeps what she sent (that copy is older than her edit).
const formSent = {};  // field key -> performance.now() when the clerk last sent it
// field key -> {at, value, caseId}: another party's value as it arrived. A case view asked
// for before it arrived (a reload that crossed the push) is older: the push wins.
const formHeard = {};

function renderForm(c) {
  const form = $("#case-form");
  if (form.dataset.caseId !== c.id) {  // another case: a fresh form
    form.innerHTML = "";
    form.dataset.caseId = c.id;
    for (const key of Object.keys(formSent)) delete formSent[key];
    for (const key of Object.keys(formHeard)) {
      if (formHeard[key].caseId !== c.id) delete formHeard[key];
    }
  }
  const fields = [...c.form_fields];
  for (const key of Object.keys(c.form)) {
    if (!fields.find((f) => f.key === key)) fields.push({ key, label: { zh_CN: key, en: key }, kind: "text" });
  }
  for (const f of fields) {
    let input = form.querySelector(`input[name="${CSS.escape(f.key)}"]`);
    if (!input) {
      const label = document.createElement("label");
      label.append(document.createElement("span"));
      input = document.createElement("input");
      input.name = f.key;
      input.dataset.shown = "";
      input.addEventListener("change", () => {
        input.dataset.shown = input.value;
        formSent[f.key] = performance.now();
        act("PUT", `/api/v1/cases/${form.dataset.caseId}/form`, { fields: { [f.key]: input.value } }, false);
      });
      label.append(input);
      form.append(label);
    }
    input.previousElementSibling.textContent = name(f.label);
    const typing = input.value !== input.dataset.shown;
    const sentSince = (formSent[f.key] ?? -Infinity) >= (c.askedAt ?? -Infinity);
    if (!typing && !sentSince) {
      input.value = c.form[f.key] ?? "";
      input.dataset.shown = input.value;
    }
  }
}

function setField(key, value) {  // another party typed a field of the shared form
  const input = document.querySelector(`#case-form input[name="${CSS.escape(key)}"]`);
  if (currentCase) {
    currentCase.form[key] = value;
    formHeard[key] = { at: performance.now(), value, caseId: currentCase.id };
  }
  if (!input) { if (currentCase) renderForm(currentCase); return; }
  if (input.value !== input.dataset.shown) return;  // the clerk is typing there: her text stays
  input.value = value ?? "";
  input.dataset.shown = input.value;
}

// A certificate opens through a one-time link the hub issues for it (a token never goes in
// a URL); window.xw.opened keeps the last one for tests.
async function openDownload(cert) {
  try {
    const ticket = await api("POST", `/api/v1/certificates/${cert.id}/download`);
    window.xw.opened = ticket.url;
    window.open(ticket.url, "_blank", "noopener");
  } catch (err) { showError(err); }
}

// Whether the hub did it (a failure is shown where the clerk looks).
async function act(method, path, body, reload = true) {
  try {
    await api(method, path, body);
    if (reload && currentCase) await loadCase(currentCase.id);
    return true;
  } catch (err) { showError(err); return false; }
}

$("#request-capture").addEventListener("click", () => {
  if (!call) return;
  act("POST", `/api/v1/booths/${call.booth_id}/push`, { kind: "request_capture", data: { material: $("#capture-material").value, case_id: currentCase && currentCase.id } }, false);
});

$("#open-slot").addEventListener("click", () => {
  if (!call) return;
  act("POST", `/api/v1/booths/${call.booth_id}/push`, { kind: "open_slot", data: { case_id: currentCase && currentCase.id } }, false);
});



// -- reviews the department's rules referred to a clerk -----------------------------------
let reviews = [];
let reviewsJson = "";

async function loadReviews() {
  if (!token || !me) return;
  let data;
  try {
    data = await api("GET", "/api/v1/reviews");
  } catch (err) {
    return;
  }
  const json = JSON.stringify(data.reviews);
  if (json === reviewsJson) return;  // re-rendering would drop a reason being typed
  reviewsJson = json;
  reviews = data.reviews;
  renderReviews();
}
// The hub says when the department's reviews change (reviews_changed); the slow poll is
// for an admin's view of other departments, whose frames go to their own clerks.
setInterval(loadReviews, 30000);
window.xw.loadReviews = loadReviews;

function reasonText(reason, subjects) {
  const [code, subject] = reason.split(":");
  const what = subjects[subject] ? name(subjects[subject]) : subject || "";
  return what ? `${what}：${t("reason_" + code)}` : t("reason_" + code);
}

function renderReviews() {
  const ul = $("#reviews");
  if (!ul) return;
  ul.innerHTML = "";
  $("#reviews-empty").hidden = reviews.length > 0;
  for (const r of reviews) {
    const li = document.createElement("li");
    li.className = "review";
    li.dataset.case = r.case_id;
    const head = document.createElement("b");
    head.textContent = `${name(r.service_name) || r.service} · ${r.case_id.slice(0, 8)}`;
    const when = document.createElement("small");
    when.textContent = r.referred_at ? ` ${t("referred_at")} ${new Date(r.referred_at).toLocaleString()}` : "";
    const reasons = document.createElement("ul");
    reasons.className = "reasons";
    for (const reason of new Set(r.reasons)) {  // two limits on one field: said once
      const item = document.createElement("li");
      item.className = "reason";
      item.textContent = reasonText(reason, r.reason_subjects || {});
      reasons.append(item);
    }
    const look = document.createElement("button");
    look.className = "open-case";
    look.textContent = t("open_case");
    look.onclick = () => loadCase(r.case_id);
    const approve = document.createElement("button");
    approve.className = "approve primary";
    approve.textContent = t("approve");
    approve.onclick = () => decide(r, approveReview);
    const why = document.createElement("input");
    why.className = "refuse-reason";
    why.placeholder = t("refuse_reason");
    const refuse = document.createElement("button");
    refuse.className = "refuse danger";
    refuse.textContent = t("refuse");
    refuse.onclick = () => {
      if (!why.value.trim()) { $("#reviews-status").textContent = t("reason_required"); return; }
      decide(r, (x) => api("POST", `/api/v1/cases/${x.case_id}/steps/${x.position}/refuse`, { reason: why.value.trim() }), "refused");
    };
    const row = document.createElement("div");
    row.className = "row";
    row.append(look, approve, refuse);
    li.append(head, when, reasons, why, row);
    ul.append(li);
  }
}

// Approving: the review step done, the department's certificate issued to the phone and its
// certificate step done, in one transaction on the hub (as the rules would have done).
async function approveReview(r) {
  await api("POST", `/api/v1/cases/${r.case_id}/steps/${r.position}/approve`);
}

async function decide(r, action, done = "approved") {
  $("#reviews-status").textContent = "…";
  try {
    await action(r);
    $("#reviews-status").textContent = `${t(done)} · ${r.case_id.slice(0, 8)}`;
  } catch (err) {
    $("#reviews-status").textContent = errText(err.code);
  }
  reviewsJson = "";
  await loadReviews();
  if (currentCase && currentCase.id === r.case_id) await loadCase(r.case_id);
}

// -- the form on the booth's screen (the booth refuses when its item has no form step) --------
$("#show-form").addEventListener("click", async () => {
  if (!call) return;
  try {
    await api("POST", `/api/v1/booths/${call.booth_id}/push`, { kind: "show_form", data: { case_id: currentCase && currentCase.id } });
    $("#push-status").textContent = t("form_shown");
  } catch (err) {
    const why = err.details && err.details.booth_error;
    $("#push-status").textContent = why ? `${t("push_failed")}: ${t(why)}` : errText(err.code);
  }
});

applyLang();
if (token) window.addEventListener("load", () => start());
