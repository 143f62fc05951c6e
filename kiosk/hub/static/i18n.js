// The pages' shared translations (ES module, no build step): the hub's error codes in
// zh_CN, en and zh_HK, from /static/i18n/<lang>.json. Every code the API can answer has an
// entry in each file (tests/hub/test_error_translations.py collects them from the hub).
// A page calls `await loadTranslations()` once, then `errorText(lang, code)`.

const FILE_OF = { zh: "zh_CN", zh_CN: "zh_CN", en: "en", zh_HK: "zh_HK" };
const tables = {};

export async function loadTranslations(langs = ["zh_CN", "en", "zh_HK"]) {
  await Promise.all(langs.map(async (lang) => {
    const file = FILE_OF[lang] || lang;
    if (tables[file]) return;
    const r = await fetch(`/static/i18n/${file}.json`);
    tables[file] = r.ok ? await r.json() : { errors: {} };
  }));
}

// The error's words in `lang` ("zh" is the pages' short name for zh_CN); a code without a
// translation (a newer hub than this page) still says something and names the code.
export function errorText(lang, code) {
  const file = FILE_OF[lang] || "zh_CN";
  const table = (tables[file] && tables[file].errors) || {};
  if (table[code]) return table[code];
  const fallback = (tables.zh_CN && tables.zh_CN.errors) || {};
  return fallback[code] || `${file === "en" ? "Failed" : "操作失败"} (${code})`;
}

// A page's own words: `section` of the tables (e.g. "console_keys"), in `lang`, else in
// zh_CN, else the key itself (tests/hub/test_page_tables.py keeps the three tables alike).
export function pageText(lang, section, key) {
  const file = FILE_OF[lang] || "zh_CN";
  const own = (tables[file] && tables[file][section]) || {};
  const fallback = (tables.zh_CN && tables.zh_CN[section]) || {};
  return own[key] || fallback[key] || key;
}
