// 晓屋 clerk console from the keyboard: A accepts the next citizen in the queue, M mutes or
// unmutes the clerk's microphone, I invites the department chosen beside "Invite", C
// completes the case's current step (its first step not done, when it is this clerk's
// department's). The keys are listed under the header once the clerk is signed in; their
// words are the pages' tables (static/i18n/<lang>.json, section "console_keys").
//
// A key acts only when no text can take it: a letter typed into an input, a select or a
// text area stays text, and a key with Ctrl, Alt or Meta is the browser's (Ctrl+C copies).
// The actions are console.js's own (window.xw.keys), so a key does what the button does
// and the hub checks it the same way.
import { loadTranslations, pageText } from "/static/i18n.js";

await loadTranslations(["zh_CN", "en", "zh_HK"]);

const hook = window.xw.keys;
const kt = (key) => pageText(hook.lang(), "console_keys", key);
const KEYS = [
  { code: "KeyA", label: "A", name: "accept", words: "accept", action: acceptNext },
  { code: "KeyM", label: "M", name: "mute", words: "mute_toggle", action: toggleMute },
  { code: "KeyI", label: "I", name: "invite", words: "invite", action: inviteChosen },
  { code: "KeyC", label: "C", name: "complete", words: "complete", action: completeCurrentStep },
];
hook.done = [];  // the actions keys started, in order (tests read it)
let muted = false;

const help = document.createElement("p");
help.id = "keys-help";
help.className = "keys";
help.hidden = document.querySelector("#desk").hidden;
const status = document.createElement("span");
status.id = "keys-status";
status.setAttribute("role", "status");
document.querySelector("header").after(help);

const muteButton = document.createElement("button");
muteButton.id = "mute";
muteButton.type = "button";
muteButton.addEventListener("click", toggleMute);
document.querySelector("#invite").before(muteButton);

function render() {
  help.replaceChildren(`${kt("shortcuts")}: `);
  KEYS.forEach((k, i) => {
    const kbd = document.createElement("kbd");
    kbd.textContent = k.label;
    help.append(...(i ? [" · "] : []), kbd, ` ${kt(k.words)}`);
  });
  help.append(" ", status);
  muteButton.textContent = kt(muted ? "unmute" : "mute");
  muteButton.setAttribute("aria-pressed", String(muted));
}

function say(words) {
  status.textContent = words;
}

async function acceptNext() {
  const next = hook.queue()[0];
  if (!next) { say(kt("nobody_waiting")); return; }
  say("");
  await hook.accept(next);
}

function toggleMute() {
  const stream = hook.localStream();
  const tracks = stream ? stream.getAudioTracks() : [];
  if (!tracks.length) { say(kt("no_microphone")); return; }
  muted = !muted;
  // Disabled, not stopped: the same track goes on in every call, silent until unmuted.
  for (const track of tracks) track.enabled = !muted;
  render();
  say(kt(muted ? "muted" : "unmuted"));
}

async function inviteChosen() {
  if (!window.xw.call) { say(kt("not_in_call")); return; }
  const chosen = document.querySelector("#invite-dept");
  const department = chosen.selectedOptions[0] ? chosen.selectedOptions[0].textContent : "";
  say(await hook.invite() ? `${kt("invited")}${department}` : kt("failed"));
}

async function completeCurrentStep() {
  const c = window.xw.caseView;
  if (!c) { say(kt("no_case")); return; }
  const step = c.steps.find((s) => s.status !== "done");
  if (!step) { say(kt("no_step")); return; }
  const me = hook.me();
  if (step.department !== me.department && !me.roles.includes("admin")) {
    say(`${kt("not_ours")}${step.name}`);
    return;
  }
  say(await hook.completeStep(step.position) ? `${kt("completed")}${step.name}` : kt("failed"));
}

function typingIn(target) {
  if (!(target instanceof Element)) return false;
  return target.isContentEditable || Boolean(target.closest("input, textarea, select"));
}

document.addEventListener("keydown", (ev) => {
  if (ev.ctrlKey || ev.altKey || ev.metaKey || ev.repeat || ev.isComposing) return;
  if (typingIn(ev.target) || document.querySelector("#desk").hidden) return;
  const key = KEYS.find((k) => k.code === ev.code);
  if (!key) return;
  ev.preventDefault();
  hook.done.push(key.name);
  key.action();
});

// Listed while the desk shows (after sign-in, which may come before this module loaded).
const desk = document.querySelector("#desk");
new MutationObserver(() => { help.hidden = desk.hidden; }).observe(desk, { attributes: true });
document.querySelector("#lang").addEventListener("click", render);
render();
