// 晓屋 clerk console: how a waiting booth reads in the queue (the service, the applicant
// masked, the booth's name, the appointment's local time, the wait as mm:ss), and why an
// accept did not work, in words: another clerk took the entry first (409 already_taken),
// the booth left, the call ended. Loaded before console.js, which calls describeEntry()
// and acceptFailed(); the functions read console.js's globals (lang, name, t) when called.
"use strict";

const QUEUE_T = {
  zh: {
    walk_in: "现场办理", appointment: "预约", invite: "邀请", waited: "已等候",
    already_taken: "该群众已由其他坐席接入", booth_offline: "该晓屋已断开，群众可能已离开",
    call_ended: "该通话已结束", queue_entry_not_found: "该排队已取消（群众已离开）",
    invited_someone_else: "该邀请是发给其他坐席的", other_department: "该排队属于其他部门",
    error: "接入失败，请重试",
  },
  en: {
    walk_in: "walk-in", appointment: "appointment", invite: "Invitation", waited: "waiting",
    already_taken: "Another clerk accepted this citizen first", booth_offline: "The booth disconnected; the citizen may have left",
    call_ended: "This call has ended", queue_entry_not_found: "This entry was cancelled (the citizen left)",
    invited_someone_else: "This invitation is for another clerk", other_department: "This entry is for another department",
    error: "Accepting did not work; try again",
  },
};
const qt = (key) => (QUEUE_T[lang] && QUEUE_T[lang][key]) || QUEUE_T.zh[key] || key;

function mmss(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

function describeEntry(li, e, waited) {
  li.innerHTML = "";
  const title = document.createElement("b");
  title.className = "entry-title";
  const service = e.service && name(e.service);
  title.textContent = (e.kind === "invite" ? qt("invite") + " · " : "") + (service || e.booth_name || e.booth_id);
  const who = document.createElement("span");
  who.className = "entry-who";
  const slot = e.appointment ? `${qt("appointment")} ${e.appointment.local.slice(11, 16)}` : qt("walk_in");
  who.textContent = ` ${e.applicant || ""} · ${e.booth_name || e.booth_id} · ${slot} `;
  const wait = document.createElement("span");
  wait.className = "wait";
  wait.textContent = `${qt("waited")} ${mmss(waited)} `;
  li.append(title, who, wait);
}

function acceptFailed(entry, err) {
  const status = document.getElementById("queue-status");
  if (!status) return;
  if (!err) { status.textContent = ""; return; }
  status.textContent = qt(err.code in QUEUE_T.zh ? err.code : "error");
  if (entry && ["already_taken", "queue_entry_not_found", "booth_offline", "call_ended"].includes(err.code)) {
    queueEntries = queueEntries.filter((x) => x.id !== entry.id);  // gone from this desk too
    renderQueue();
  }
}
