// The words for the hub's error codes on the console and operator page, from the shared
// tables (i18n.js). Those pages' scripts are classic scripts, so this module hands them
// window.xwErrorText(lang, code) once the tables are loaded.
import { errorText, loadTranslations } from "/static/i18n.js";

await loadTranslations(["zh_CN", "en"]);
window.xwErrorText = errorText;
