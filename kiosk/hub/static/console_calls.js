// 晓屋 clerk console: leaving a call apart from ending it. "Leave" takes this clerk out and
// the others (the citizen, the other departments' clerks) go on (POST /calls/{id}/leave);
// "Hand over to …" invites the department chosen beside it and leaves once one of its
// clerks has joined (leaving first would end a call with no clerk left); "End the call
// for everyone" stays console.js's. Loaded after console.js (call, api, endLocal, lang).
"use strict";

const CALLS_T = {
  zh: {
    leave: "离开通话（其他人继续）", hand_over: "转交给所选部门", handing_over: "正在转交，等待对方部门接入…",
    handed_over: "已转交，您已离开通话", left: "您已离开通话，其他人继续", error: "操作失败",
    call_ended: "该通话已结束",
  },
  en: {
    leave: "Leave the call (the others go on)", hand_over: "Hand over to the chosen department",
    handing_over: "Handing over; waiting for the other department to join…",
    handed_over: "Handed over; you left the call", left: "You left the call; the others go on",
    error: "That did not work", call_ended: "This call has ended",
  },
};
const clt = (key) => (CALLS_T[lang] && CALLS_T[lang][key]) || CALLS_T.zh[key] || key;
let handingOver = null;  // {callId, department} while a hand-over waits for the invitee

function labelCallButtons() {
  $("#leave-call").textContent = clt("leave");
  $("#hand-over").textContent = clt("hand_over");
}

async function leaveCall(message) {
  if (!call) return;
  const id = call.id;
  try {
    await api("POST", `/api/v1/calls/${id}/leave`);
  } catch (err) {
    $("#push-status").textContent = clt(err.code in CALLS_T.zh ? err.code : "error");
    return;
  }
  handingOver = null;
  endLocal();
  $("#queue-status").textContent = clt(message);
}

$("#leave-call").addEventListener("click", () => leaveCall("left"));

$("#hand-over").addEventListener("click", async () => {
  if (!call) return;
  const department = $("#invite-dept").value;
  try {
    await api("POST", `/api/v1/calls/${call.id}/invite`, { department });
  } catch (err) {
    $("#push-status").textContent = clt(err.code in CALLS_T.zh ? err.code : "error");
    return;
  }
  handingOver = { callId: call.id, department };
  $("#push-status").textContent = clt("handing_over");
});

document.addEventListener("xw:frame", (ev) => {
  const f = ev.detail;
  if (!handingOver || f.type !== "call" || f.event !== "joined" || f.call_id !== handingOver.callId) return;
  if (f.clerk && f.clerk.department === handingOver.department) leaveCall("handed_over");
});

$("#lang").addEventListener("click", labelCallButtons);
labelCallButtons();
