// 晓屋 clerk console: verifying a material against the original. The basis (what the capture
// was checked against) is required: the page refuses a blank one under the field, and the hub
// refuses it too (POST /api/v1/materials/{id}/verify answers ``basis_required``).
// Loaded before console.js, which calls verifyControls(m) while rendering the case; it uses
// console.js's globals (api, lang, currentCase, loadCase) only when the button is pressed.
"use strict";

const MAT_T = {
  zh: {
    basis: "核验依据（必填，例如：原件已当面核对）", verify: "核验原件",
    basis_required: "请写明核验依据", failed: "核验未成功",
  },
  en: {
    basis: "Checked against (required, e.g. original seen in person)", verify: "Verify against original",
    basis_required: "Say what the capture was checked against", failed: "Verification failed",
  },
  zh_HK: {
    basis: "核驗依據（必填，例如：原件已當面核對）", verify: "核驗原件",
    basis_required: "請寫明核驗依據", failed: "核驗未成功",
  },
};
const mt = (key) => (MAT_T[lang] && MAT_T[lang][key]) || MAT_T.zh[key] || key;

/** The basis input, the verify button and the line under them that says what went wrong. */
function verifyControls(m) {
  const box = document.createElement("div");
  box.className = "verify-box";
  const input = document.createElement("input");
  input.className = "against";
  input.maxLength = 200;
  input.placeholder = mt("basis");
  input.setAttribute("aria-label", mt("basis"));
  const b = document.createElement("button");
  b.className = "verify";
  b.textContent = mt("verify");
  const problem = document.createElement("p");
  problem.className = "field-error";
  problem.setAttribute("role", "alert");
  b.onclick = async () => {
    const against = input.value.trim();
    if (!against) { problem.textContent = mt("basis_required"); input.focus(); return; }
    problem.textContent = "";
    try {
      await api("POST", `/api/v1/materials/${m.id}/verify`, { against });
      if (currentCase) await loadCase(currentCase.id);
    } catch (err) {
      problem.textContent = err.code === "basis_required" ? mt("basis_required") : `${mt("failed")} (${err.code})`;
    }
  };
  box.append(input, b, problem);
  return box;
}
