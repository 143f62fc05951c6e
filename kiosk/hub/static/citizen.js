// 晓屋 citizen page (phones): book, scan-to-open a booth door, follow cases, certificates,
// rate the service (好差评, GB/T 39734: five levels per service item and per clerk).
// An ES module: the error codes' words come from the shared tables (i18n.js).
import { errorText, loadTranslations } from "/static/i18n.js";

// The hub's own rule (kiosk.core.fields.mainland_mobile): SMS reaches only a mainland
// mobile, written as 11 digits; spaces, dashes and a +86 prefix are the citizen's to type.
const MAINLAND_MOBILE = /^1[3-9][0-9]{9}$/;
const asMobile = (text) => String(text || "").replace(/[\s-]/g, "").replace(/^\+?86(?=1[3-9][0-9]{9}$)/, "");

const T = {
  zh: {
    title: "晓屋 · 政务服务", lang: "English", door: "开门", booth: "晓屋", appointment: "预约",
    walk_in: "现场办理（无预约）", open_door: "开门并开始办理", book: "预约办理", service: "事项",
    time: "时间", name: "姓名", phone: "手机号", book_submit: "提交预约", mine: "我的办件",
    inbox: "消息", opened: "门已打开，请进入晓屋。", booked: "预约成功", status_open: "办理中",
    status_done: "已办结", status_cancelled: "已取消", certificates: "证明文件", rate: "评价",
    rate_service: "事项评价", rate_clerk: "对工作人员的评价", submit_rating: "提交评价",
    rated: "感谢您的评价", done: "已完成", pending: "待办", referred: "转人工审核", rejected: "未通过", status_rejected: "未通过审核", booth_offline: "晓屋暂时离线，请稍后再试",
    door_failed: "开门失败，请联系工作人员", bad_door_code: "二维码已失效，请重新扫描晓屋屏幕上的二维码",
    booth_occupied: "晓屋正在使用中，请稍候再试", too_many_requests: "尝试次数过多，请稍后再试",
    scan_screen: "请扫描晓屋屏幕上的二维码开门", error: "操作失败", used: "已使用", booked_status: "已预约",
    cancelled: "已取消", verify: "核验", revoked: "已撤销", beijing_time: "北京时间",
    logout: "退出登录", sms_login: "短信验证码登录", send_code: "获取验证码", sms_code: "验证码",
    sms_submit: "登录", code_sent: "验证码已发送", cancel: "取消预约", signed_out: "已退出登录",
    levels: ["非常不满意", "不满意", "基本满意", "满意", "非常满意"],
  },
  en: {
    title: "Xiaowu · Government services", lang: "中文", door: "Open the door", booth: "Booth",
    appointment: "Appointment", walk_in: "Walk-in (no appointment)", open_door: "Open the door and start",
    book: "Book an appointment", service: "Service", time: "Time", name: "Name", phone: "Mobile",
    book_submit: "Book", mine: "My cases", inbox: "Messages", opened: "The door is open; please come in.",
    booked: "Booked", status_open: "in progress", status_done: "completed", status_cancelled: "cancelled",
    certificates: "Certificates", rate: "Rate", rate_service: "The service",
    rate_clerk: "The clerk", submit_rating: "Send rating", rated: "Thank you for rating",
    done: "done", pending: "pending", referred: "with a clerk for review", rejected: "not approved",
    status_rejected: "not approved", booth_offline: "The booth is offline; please try again later",
    door_failed: "The door did not open; please call for help",
    bad_door_code: "The code has expired; scan the QR code on the booth's screen again",
    booth_occupied: "Someone is using the booth; please try again shortly",
    too_many_requests: "Too many attempts; please try again later",
    scan_screen: "Scan the QR code on the booth's screen to open its door", error: "Failed", used: "used",
    booked_status: "booked", cancelled: "cancelled", verify: "verify", revoked: "revoked", beijing_time: "Beijing time",
    logout: "Sign out", sms_login: "Sign in with an SMS code", send_code: "Send code",
    sms_code: "Code", sms_submit: "Sign in", code_sent: "The code was sent", cancel: "Cancel booking",
    signed_out: "Signed out",
    levels: ["Very dissatisfied", "Dissatisfied", "Fair", "Satisfied", "Very satisfied"],
  },
};
let lang = localStorage.getItem("xw.lang") || "zh";
const $ = (sel) => document.querySelector(sel);
const t = (key) => (T[lang] && T[lang][key]) || T.zh[key] || key;
const name = (text) => (text && (lang === "en" ? text.en : text.zh_CN)) || "";
let overview = null;
// Appointment times are the booths' wall clock, in the hub's zone, whatever this phone's is.
let timeZone = "Asia/Shanghai";
const serviceNames = new Map();  // service code -> its name (Text), from the catalog

// The citizen token comes in the link (#t=...) and is kept on this phone. The booth's door
// QR code opens #booth=ID&door=CODE: the code proves this phone is at that booth's door.
// It is valid for a minute and used once, so it is kept in memory only.
const fragment = new URLSearchParams(location.hash.slice(1));
const hashToken = fragment.get("t");
if (hashToken) localStorage.setItem("xw.citizen", hashToken);
if (hashToken || fragment.get("door")) history.replaceState(null, "", location.pathname);
let token = localStorage.getItem("xw.citizen");
const doorMatch = location.pathname.match(/^\/m\/door\/([^/]+)/);
const doorBooth = fragment.get("booth") || (doorMatch ? decodeURIComponent(doorMatch[1]) : null);
const doorCode = fragment.get("door") || "";

const api = xwApi.makeApi({
  token: () => token,
  onError: (code) => {
    if (code === "invalid_token") { localStorage.removeItem("xw.citizen"); token = null; }
  },
});

// "北京时间 (UTC+08:00)": the zone a time is in, by its common name where it has one.
function zoneLabel(zone, offset) {
  const named = zone === "Asia/Shanghai" ? t("beijing_time") : zone;
  return offset ? `${named} (UTC${offset})` : named;
}

// A moment as the district's wall clock ("2026-11-29 15:00"), for the inbox.
function districtTime(iso) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
    minute: "2-digit", hourCycle: "h23",
  }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

function showTimeLabel() {
  $("#slot-zone").textContent = lang === "en" ? ` (${zoneLabel(timeZone)})` : `（${zoneLabel(timeZone)}）`;
}

function keep(newToken) {
  if (newToken) { token = newToken; localStorage.setItem("xw.citizen", token); }
  showSignedIn();
}

function showSignedIn() {
  $("#logout").hidden = !token;
  $("#sms-login").hidden = Boolean(token);
}

$("#logout").addEventListener("click", () => {
  localStorage.removeItem("xw.citizen");
  token = null;
  overview = null;
  lastJson = "";
  $("#mine").hidden = true;
  showSignedIn();
});

// -- SMS-code login (for a phone that booked or opened a case) ------------------------
function smsPhone() {
  const phone = asMobile($("#sms-form [name=phone]").value);
  if (!MAINLAND_MOBILE.test(phone)) {
    $("#sms-error").textContent = errorText(lang, "bad_phone");
    return null;
  }
  return phone;
}

$("#send-code").addEventListener("click", async () => {
  $("#sms-error").textContent = "";
  const phone = smsPhone();
  if (!phone) return;
  try {
    await api("POST", "/api/v1/citizen/code", { phone });
    $("#sms-error").textContent = t("code_sent");
  } catch (err) {
    $("#sms-error").textContent = errorText(lang, err.code);
  }
});

$("#sms-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("#sms-error").textContent = "";
  const phone = smsPhone();
  if (!phone) return;
  try {
    const res = await api("POST", "/api/v1/citizen/login",
      { phone, code: $("#sms-form [name=code]").value.trim() });
    keep(res.citizen_token);
    await refresh();
  } catch (err) {
    $("#sms-error").textContent = errorText(lang, err.code);
  }
});

function applyLang() {
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  $("#lang").textContent = t("lang");
  showTimeLabel();
  if (overview) render();
}

$("#lang").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("xw.lang", lang);
  applyLang();
  loadChoices();
});

// -- booking -------------------------------------------------------------------------
async function loadChoices() {
  const services = (await api("GET", "/api/v1/services?limit=500")).services;
  const sel = $("#book-form [name=service]");
  const chosen = sel.value;
  sel.innerHTML = "";
  for (const s of services) {
    serviceNames.set(s.code, s.name);
    const o = document.createElement("option");
    o.value = s.code;
    o.textContent = name(s.name);
    sel.append(o);
  }
  if (chosen) sel.value = chosen;
  const listed = await api("GET", "/api/v1/booths");
  timeZone = listed.time_zone || timeZone;
  showTimeLabel();
  const booths = listed.booths;
  const bsel = $("#book-form [name=booth_id]");
  const b = bsel.value;
  bsel.innerHTML = "";
  for (const booth of booths) {
    const o = document.createElement("option");
    o.value = booth.id;
    o.textContent = booth.name;
    bsel.append(o);
  }
  if (b) bsel.value = b;
  const slot = $("#book-form [name=slot_at]");
  if (!slot.value) {  // the next full hour at the booth
    slot.value = districtTime(new Date(Date.now() + 3600e3).toISOString()).slice(0, 14).replace(" ", "T") + "00";
  }
}

$("#book-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  const phoneInput = ev.target.elements.phone;
  $("#phone-error").textContent = "";
  phoneInput.removeAttribute("aria-invalid");
  const phone = asMobile(form.get("phone"));
  if (phone && !MAINLAND_MOBILE.test(phone)) {
    $("#phone-error").textContent = errorText(lang, "bad_phone");
    phoneInput.setAttribute("aria-invalid", "true");
    phoneInput.focus();
    return;
  }
  try {
    const res = await api("POST", "/api/v1/appointments", {
      service: form.get("service"), booth_id: form.get("booth_id"),
      slot_at: form.get("slot_at"),  // no offset: the hub reads it as the booth's time
      name: form.get("name") || "", phone,
    });
    keep(res.citizen_token);
    $("#book-result").textContent = t("booked");
    await refresh();
  } catch (err) {
    const at = err.code === "bad_phone" ? "#phone-error" : "#book-result";
    $(at).textContent = errorText(lang, err.code);
  }
});

// -- scan to open ---------------------------------------------------------------------
$("#open-door").addEventListener("click", async () => {
  const appointment = $("#door-appointment").value || null;
  $("#door-result").textContent = "…";
  try {
    const res = await api("POST", `/api/v1/booths/${encodeURIComponent(doorBooth)}/open-door`,
      { door_code: doorCode, appointment_id: appointment });
    keep(res.citizen_token);
    $("#door-result").textContent = t("opened");
    await refresh();
  } catch (err) {
    $("#door-result").textContent = t(err.code) !== err.code ? t(err.code) : errorText(lang, err.code);
  }
});

// -- my cases ------------------------------------------------------------------------
let lastJson = "";
async function refresh() {
  if (!token) return;
  let data;
  try {
    data = await api("GET", "/api/v1/citizen/overview");
  } catch (err) {
    return;
  }
  const json = JSON.stringify(data);
  if (json === lastJson) return;  // re-rendering would reset what the citizen is choosing
  lastJson = json;
  overview = data;
  timeZone = data.time_zone || timeZone;
  render();
}

function render() {
  $("#mine").hidden = false;
  const apps = $("#appointments");
  apps.innerHTML = "";
  const doorSel = $("#door-appointment");
  for (const o of [...doorSel.options].slice(1)) o.remove();
  for (const a of overview.appointments) {
    const li = document.createElement("li");
    li.className = "appointment";
    const local = a.slot_local;
    const when = local ? `${local.local} ${zoneLabel(local.time_zone, local.utc_offset)}` : a.slot_at;
    const status = a.status === "booked" ? t("booked_status") : t(a.status);
    const service = name(serviceNames.get(a.service)) || a.service;
    li.textContent = `${when} · ${service} · ${t("booth")} ${a.booth_id} · ${status}`;
    if (a.status === "booked") {
      const cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "cancel";
      cancel.textContent = t("cancel");
      const problem = document.createElement("span");
      problem.className = "field-error";
      problem.setAttribute("role", "alert");
      cancel.onclick = async () => {
        cancel.disabled = true;
        try {
          await api("POST", `/api/v1/appointments/${encodeURIComponent(a.id)}/cancel`);
          await refresh();
        } catch (err) {
          cancel.disabled = false;
          problem.textContent = errorText(lang, err.code);
        }
      };
      li.append(" ", cancel, problem);
    }
    apps.append(li);
    if (doorBooth && a.booth_id === doorBooth && a.status === "booked") {
      const o = document.createElement("option");
      o.value = a.id;
      o.textContent = `${when} ${service}`;
      doorSel.append(o);
      doorSel.value = a.id;
    }
  }
  const cases = $("#cases");
  cases.innerHTML = "";
  for (const c of overview.cases) cases.append(renderCase(c));
  const inbox = $("#inbox");
  inbox.innerHTML = "";
  for (const n of overview.inbox) {
    const li = document.createElement("li");
    li.className = n.kind;  // a session interrupted by a booth restart stands out
    li.textContent = `${districtTime(n.at)} ${n.text}`;
    inbox.append(li);
  }
}

function renderCase(c) {
  const div = document.createElement("div");
  div.className = "case";
  div.dataset.case = c.id;
  const h = document.createElement("h3");
  h.textContent = `${name(c.service_name)} · ${t("status_" + c.status)}`;
  div.append(h);
  const steps = document.createElement("ol");
  for (const s of c.steps) {
    const li = document.createElement("li");
    li.className = s.status;
    li.textContent = `${s.name} · ${t(s.status)}`;
    steps.append(li);
  }
  div.append(steps);
  if (c.certificates.length) {
    const h4 = document.createElement("h4");
    h4.textContent = t("certificates");
    const ul = document.createElement("ul");
    ul.className = "certificates";
    for (const cert of c.certificates) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = cert.pdf_url;
      a.textContent = cert.title;
      a.className = "certificate";
      // The PDF opens through a one-time link the hub issues (a token never goes in a URL).
      a.addEventListener("click", async (ev) => {
        ev.preventDefault();
        try {
          const ticket = await api("POST", `/api/v1/certificates/${cert.id}/download`);
          location.assign(ticket.url);
        } catch (err) {
          a.textContent = `${cert.title} · ${errorText(lang, err.code)}`;
        }
      });
      const v = document.createElement("a");
      v.href = cert.verify_url;
      v.textContent = t("verify");
      li.append(a, " · ", v);
      if (cert.revoked) {
        const r = document.createElement("strong");
        r.className = "revoked";
        // the department's reason, as the verification page shows it
        r.textContent = ` · ${t("revoked")}` + (cert.revoked_reason ? `: ${cert.revoked_reason}` : "");
        li.append(r);
      }
      ul.append(li);
    }
    div.append(h4, ul);
  }
  // 好差评 is offered once something was done for the citizen.
  const served = c.status === "done" || c.certificates.length || c.steps.some((s) => s.status === "done" && s.department);
  if (served) div.append(renderRating(c));
  return div;
}

function levelSelect(label, target, clerkId, existing) {
  const wrap = document.createElement("label");
  const span = document.createElement("span");
  span.textContent = label;
  const sel = document.createElement("select");
  sel.dataset.target = target;
  if (clerkId) sel.dataset.clerk = clerkId;
  T[lang].levels.forEach((text, i) => {
    const o = document.createElement("option");
    o.value = String(i + 1);
    o.textContent = text;
    sel.append(o);
  });
  sel.value = existing ? String(existing.level) : "5";
  sel.disabled = Boolean(existing);
  wrap.append(span, sel);
  return wrap;
}

function renderRating(c) {
  const box = document.createElement("div");
  box.className = "rating";
  const h4 = document.createElement("h4");
  h4.textContent = t("rate");
  box.append(h4);
  const find = (target, clerk) => c.ratings.find((r) => r.target === target && (r.clerk_id || null) === (clerk || null));
  box.append(levelSelect(`${t("rate_service")}: ${name(c.service_name)}`, "service", null, find("service", null)));
  for (const clerk of c.clerks) {
    box.append(levelSelect(`${t("rate_clerk")}: ${clerk.name}`, "clerk", clerk.id, find("clerk", clerk.id)));
  }
  const open = [...box.querySelectorAll("select")].filter((s) => !s.disabled);
  if (open.length) {
    const b = document.createElement("button");
    b.className = "big rate";
    b.textContent = t("submit_rating");
    b.onclick = async () => {
      const ratings = open.map((s) => ({ target: s.dataset.target, clerk_id: s.dataset.clerk || null, level: Number(s.value) }));
      try {
        await api("POST", `/api/v1/cases/${c.id}/ratings`, { ratings });
        await refresh();
      } catch (err) {
        b.textContent = errorText(lang, err.code);
      }
    };
    box.append(b);
  } else {
    const p = document.createElement("p");
    p.className = "rated";
    p.textContent = t("rated");
    box.append(p);
  }
  return box;
}

if (doorBooth) {
  $("#door").hidden = false;
  $("#door-booth").textContent = doorBooth;
  if (!doorCode) {  // a printed link, not the booth's screen: the door needs the code
    $("#open-door").disabled = true;
    $("#door-result").textContent = t("scan_screen");
  }
}
await loadTranslations(["zh_CN", "en"]);
showSignedIn();
applyLang();
loadChoices().finally(() => { lastJson = ""; refresh(); });
setInterval(refresh, 5000);
