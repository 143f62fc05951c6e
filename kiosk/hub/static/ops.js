"use strict";
// The operator page: booths with status and alerts, the work-order board, timing figures,
// config push and restart. Talks to /api/v1/ops (kiosk/hub/api_ops.py); refreshes every 2 s.

const T = {
  zh: {
    logout: "退出登录", title: "晓屋 · 运维值守", login: "运维登录", username: "用户名", password: "密码", signin: "登录",
    booths: "晓屋状态", booth: "晓屋", status: "状态", version: "版本", uptime: "运行时长",
    devices: "设备", locker: "柜格空闲", disk: "磁盘可用", memory: "内存", network: "网络",
    alerts: "告警", actions: "操作", online: "在线", offline: "离线", restart: "重启应用",
    config: "下发配置", push: "下发配置", cancel: "取消", config_key: "配置项", config_value: "值 (JSON)",
    orders: "工单", stage_alerted: "已告警", stage_dispatched: "已派单", stage_handling: "处理中",
    stage_closed: "已关闭", dispatch: "派单", start: "开始处理", close: "关闭", note: "处理说明",
    stats: "时效统计", by_kind: "按故障类型", by_booth: "按晓屋", kind: "类型", count: "工单数",
    open: "未关闭", ttd: "平均派单用时", ttf: "平均修复用时", maintainers: "维修人员", name: "姓名",
    phone: "电话", add: "添加", lang: "English", none: "无", detected: "发现", dispatched_at: "派单",
    closed_at: "关闭", times: "次", to_dispatch: "派单用时", to_fix: "修复用时",
    restart_sent: "已发送重启指令（无人办理时重启）", config_sent: "配置已下发", failed: "操作失败",
    confirm_restart: "确定重启该晓屋的应用？", not_operator: "此账号不是运维人员", rtt: "往返",
    reconnects: "重连", maintainer: "维修人员", offline_for: "离线",
    "locker.jammed": "柜门卡住", "locker.never_opened": "柜门未打开", "locker.left_open": "柜门未关",
    "locker.no_item": "柜格无件", "locker.item_left": "取件遗留", "camera.missing": "摄像头缺失",
    "microphone.missing": "麦克风缺失", "disk.low": "磁盘空间不足", "booth.offline": "晓屋离线",
    "memory.high": "内存过高",
  },
  en: {
    logout: "Sign out", title: "Xiaowu · Operations", login: "Operator sign-in", username: "User name", password: "Password",
    signin: "Sign in", booths: "Booths", booth: "Booth", status: "Status", version: "Version",
    uptime: "Uptime", devices: "Devices", locker: "Slots free", disk: "Disk free", memory: "Memory",
    network: "Network", alerts: "Alerts", actions: "Actions", online: "Online", offline: "Offline",
    restart: "Restart app", config: "Push config", push: "Push config", cancel: "Cancel",
    config_key: "Setting", config_value: "Value (JSON)", orders: "Work orders",
    stage_alerted: "Alerted", stage_dispatched: "Dispatched", stage_handling: "Handling",
    stage_closed: "Closed", dispatch: "Dispatch", start: "Start", close: "Close", note: "What was done",
    stats: "Timing", by_kind: "By fault kind", by_booth: "By booth", kind: "Kind", count: "Orders",
    open: "Open", ttd: "Mean time to dispatch", ttf: "Mean time to fix", maintainers: "Maintainers",
    name: "Name", phone: "Phone", add: "Add", lang: "中文", none: "none", detected: "Detected",
    dispatched_at: "Dispatched", closed_at: "Closed", times: "x", to_dispatch: "to dispatch",
    to_fix: "to fix", restart_sent: "Restart sent (the booth restarts when nobody is inside)",
    config_sent: "Configuration pushed", failed: "Failed", confirm_restart: "Restart this booth's app?",
    not_operator: "This account is not an operator", rtt: "RTT", reconnects: "reconnects",
    maintainer: "Maintainer", offline_for: "offline",
    "locker.jammed": "Locker door jammed", "locker.never_opened": "Locker door never opened",
    "locker.left_open": "Locker door left open", "locker.no_item": "Locker slot empty",
    "locker.item_left": "Item left in locker", "camera.missing": "Camera missing",
    "microphone.missing": "Microphone missing", "disk.low": "Disk low", "booth.offline": "Booth offline",
    "memory.high": "Memory high",
  },
};

let lang = localStorage.getItem("xw.lang") || "zh";
let token = sessionStorage.getItem("xw.ops.token") || "";
let maintainers = [];
let configBooth = null;
const $ = (sel) => document.querySelector(sel);
const t = (key) => (T[lang] && T[lang][key]) || T.zh[key] || key;
// A hub error code in words (static/i18n via page_errors.js); other failures as they are.
const errText = (e) => (e && e.code && window.xwErrorText ? window.xwErrorText(lang, e.code) : (e && e.message) || String(e));

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

function applyLang() {
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  document.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((n) => {
    n.placeholder = t(n.dataset.i18nPlaceholder);
  });
  $("#lang").textContent = t("lang");
  document.title = t("title");
}

const api = xwApi.makeApi({ token: () => token, base: "/api/v1" });

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.round(seconds);
  if (s < 60) return s + (lang === "en" ? " s" : " 秒");
  if (s < 3600) return Math.round(s / 60) + (lang === "en" ? " min" : " 分钟");
  return (s / 3600).toFixed(1) + (lang === "en" ? " h" : " 小时");
}
const mib = (bytes) => (bytes === null || bytes === undefined ? "–" : Math.round(bytes / 1048576) + " MiB");
const gib = (bytes) => (bytes === null || bytes === undefined ? "–" : (bytes / 1073741824).toFixed(1) + " GiB");
const when = (iso) => (iso ? new Date(iso).toLocaleString(lang === "en" ? "en-GB" : "zh-CN") : "–");
const kindName = (kind) => t(kind);

function notice(text, bad = false) {
  const n = $("#notice");
  n.textContent = text;
  n.className = bad ? "error" : "";
}

// -- booths --------------------------------------------------------------------------
function boothRow(b) {
  const h = b.health || {};
  const devices = (h.devices || []).map((d) => d.name + (d.present ? "" : " ✗") +
    (d.faults && d.faults.length ? " (" + d.faults.join(",") + ")" : "")).join(", ");
  const locker = h.locker ? `${h.locker.free}/${h.locker.total}` : "–";
  const net = h.network ? `${t("rtt")} ${h.network.rtt_ms ?? "–"} ms, ${t("reconnects")} ${h.network.reconnects}` : "–";
  const status = b.online ? el("span", { class: "online" }, t("online"))
    : el("span", { class: "offline" }, t("offline") + (b.offline_s !== null ? " " + duration(b.offline_s) : ""));
  const alerts = el("td", { class: "alerts" });
  if (!b.alerts.length) alerts.append(t("none"));
  for (const a of b.alerts) alerts.append(el("span", { class: "alert", title: a.summary }, kindName(a.kind)));
  const actions = el("td", {},
    el("button", { type: "button", class: "restart", onclick: () => restart(b.id) }, t("restart")),
    " ",
    el("button", { type: "button", class: "config", onclick: () => openConfig(b.id) }, t("config")));
  return el("tr", { dataset: { booth: b.id } },
    el("td", {}, b.name, el("br"), el("small", {}, b.id)),
    el("td", { class: "status" }, status),
    el("td", {}, h.version || "–"),
    el("td", {}, duration(h.uptime_s)),
    el("td", { class: "devices" }, devices || "–"),
    el("td", { class: "locker" }, locker),
    el("td", {}, h.disk ? gib(h.disk.free_bytes) : "–"),
    el("td", {}, mib(h.rss_bytes)),
    el("td", {}, net),
    alerts,
    actions);
}

async function restart(boothId) {
  if (!confirm(t("confirm_restart"))) return;
  try {
    await api("POST", `/ops/booths/${encodeURIComponent(boothId)}/restart`, { reason: "operator page" });
    notice(t("restart_sent"));
  } catch (e) {
    notice(`${t("failed")}: ${errText(e)}`, true);
  }
}

function openConfig(boothId) {
  configBooth = boothId;
  $("#config-booth").textContent = boothId;
  $("#config-form").hidden = false;
}

$("#config-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  let value = form.value.value;
  try { value = JSON.parse(value); } catch (_) { /* plain text */ }
  try {
    await api("POST", `/ops/booths/${encodeURIComponent(configBooth)}/config`,
      { settings: { [form.key.value]: value } });
    notice(t("config_sent"));
    form.reset();
    form.hidden = true;
  } catch (e) {
    // The refusal names its reason: the hub's (config_locked_key: a setting that is never
    // pushed) or the booth's (config_bad_value, config_unknown_key, config_bad_signature...).
    notice(`${t("failed")}: ${errText(e)}${e.details && e.details.reason ? " (" + e.details.reason + ")" : ""}`, true);
  }
});
$("#config-cancel").addEventListener("click", () => { $("#config-form").hidden = true; });

// -- work orders ----------------------------------------------------------------------
function orderCard(o) {
  const card = el("li", { class: "order", dataset: { order: o.id, kind: o.kind, stage: o.stage } },
    el("div", { class: "kind" }, kindName(o.kind)),
    el("div", {}, `${o.booth_name} · ${o.summary}`),
    el("div", { class: "times" },
      `${t("detected")} ${when(o.detected_at)} · ${o.occurrences} ${t("times")}`));
  if (o.maintainer) card.append(el("div", { class: "maintainer" }, `${t("maintainer")}: ${o.maintainer.name} ${o.maintainer.phone}`));
  if (o.time_to_dispatch_s !== null) card.append(el("div", { class: "times" }, `${t("to_dispatch")} ${duration(o.time_to_dispatch_s)}`));
  if (o.time_to_fix_s !== null) card.append(el("div", { class: "times" }, `${t("to_fix")} ${duration(o.time_to_fix_s)}`));
  if (o.note) card.append(el("div", { class: "note" }, o.note));
  if (o.stage === "alerted" || o.stage === "dispatched") {
    const pick = el("select", { class: "pick" }, ...maintainers.map((m) => el("option", { value: m.id }, m.name)));
    card.append(el("div", { class: "row" }, pick,
      el("button", { type: "button", class: "dispatch", onclick: () => act(o.id, "dispatch", { maintainer_id: pick.value }) }, t("dispatch"))));
  }
  if (o.stage === "dispatched") {
    card.append(el("button", { type: "button", class: "start", onclick: () => act(o.id, "start") }, t("start")));
  }
  if (o.open) {
    const note = el("input", { class: "note-input", placeholder: t("note") });
    card.append(el("div", { class: "row" }, note,
      el("button", { type: "button", class: "close", onclick: () => act(o.id, "close", { note: note.value }) }, t("close"))));
  }
  return card;
}

async function act(orderId, action, body) {
  try {
    await api("POST", `/ops/work-orders/${orderId}/${action}`, body);
    notice("");
    await refresh();
  } catch (e) {
    notice(`${t("failed")}: ${errText(e)}`, true);
  }
}

function statsRows(table, rows, key) {
  const body = $(table + " tbody");
  body.replaceChildren(...rows.map((r) => el("tr", { dataset: { key: r[key] } },
    el("td", {}, key === "kind" ? kindName(r[key]) : r[key]), el("td", {}, r.orders), el("td", {}, r.open),
    el("td", { class: "ttd" }, duration(r.mean_time_to_dispatch_s)),
    el("td", { class: "ttf" }, duration(r.mean_time_to_fix_s)))));
}

// -- refresh ----------------------------------------------------------------------------
let editing = false;  // do not redraw the board under someone typing a note
document.addEventListener("focusin", (e) => { editing = e.target.matches(".order input, .order select"); });
document.addEventListener("focusout", () => { editing = false; });

async function refresh() {
  const [booths, orders, stats, people] = await Promise.all([
    api("GET", "/ops/booths"), api("GET", "/ops/work-orders"), api("GET", "/ops/work-orders/stats"),
    api("GET", "/ops/maintainers"),
  ]);
  maintainers = people.maintainers;
  $("#maintainers").replaceChildren(...maintainers.map((m) => el("li", {}, `${m.name} ${m.phone}`)));
  $("#booths tbody").replaceChildren(...booths.booths.map(boothRow));
  if (!editing) {
    document.querySelectorAll(".column").forEach((col) => {
      const cards = orders.work_orders.filter((o) => o.stage === col.dataset.stage).map(orderCard);
      col.querySelector("ul").replaceChildren(...cards);
    });
  }
  statsRows("#stats-kind", stats.by_kind, "kind");
  statsRows("#stats-booth", stats.by_booth, "booth_id");
}

$("#maintainer-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  try {
    await api("POST", "/ops/maintainers", { name: form.name.value, phone: form.phone.value });
    form.reset();
    await refresh();
  } catch (e) {
    notice(`${t("failed")}: ${errText(e)}`, true);
  }
});

// -- start --------------------------------------------------------------------------------
let timer = null;
async function enter() {
  try {
    const me = await api("GET", "/me");
    // Operators are their own role with a scope of booths (kiosk/hub/api_ops.py).
    if (!(me.roles || []).includes("operator") || !(me.operator_scope || []).length) throw new Error(t("not_operator"));
    $("#who").textContent = `${me.name || ""} · ${me.operator_scope.join(", ")}`;
    $("#login-view").hidden = true;
    $("#logout").hidden = false;
    $("#ops").hidden = false;
    await refresh();
    timer = timer || setInterval(() => refresh().catch(() => {}), 2000);
  } catch (e) {
    $("#login-error").textContent = errText(e);
    sessionStorage.removeItem("xw.ops.token");
  }
}

$("#login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  const r = await fetch("/api/v1/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: form.username.value, password: form.password.value }),
  });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) { $("#login-error").textContent = errText({ code: (data.error && data.error.code) || String(r.status) }); return; }
  token = data.token;
  sessionStorage.setItem("xw.ops.token", token);
  await enter();
});

// Sign out: the hub ends the session; the page starts afresh.
$("#logout").addEventListener("click", async () => {
  try { await api("POST", "/auth/logout"); } catch (_) { /* already ended */ }
  sessionStorage.removeItem("xw.ops.token");
  location.reload();
});

$("#lang").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("xw.lang", lang);
  applyLang();
  if (token && !$("#ops").hidden) refresh().catch(() => {});
});

applyLang();
if (token) enter();
