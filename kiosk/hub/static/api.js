// The hub's JSON API as its pages call it (console, citizen page, operations page).
// Each page makes its own caller: const api = xwApi.makeApi({ token: () => token, ... }).
// Writes carry an Idempotency-Key; an error answer becomes an Error whose message and
// .code are the hub's error code (kiosk.hub.protocol), with the HTTP .status and the
// error's .details (e.g. a booth's refusal reason).
"use strict";

const xwApi = (() => {
  function newKey() {
    return (crypto.randomUUID && crypto.randomUUID()) || String(Date.now()) + Math.random();
  }

  // token(): the bearer token or null; base: a prefix for every path ("/api/v1");
  // onError(code, status): called before the error is thrown (e.g. to forget a token).
  function makeApi({ token = () => null, base = "", onError = null } = {}) {
    return async function api(method, path, body) {
      const headers = {};
      const bearer = token();
      if (bearer) headers.Authorization = "Bearer " + bearer;
      if (body !== undefined) headers["Content-Type"] = "application/json";
      if (method !== "GET") headers["Idempotency-Key"] = newKey();
      const r = await fetch(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (r.headers.get("content-type") || "").includes("json");
      const data = json ? await r.json().catch(() => null) : null;
      if (!r.ok) {
        const code = (data && data.error && data.error.code) || String(r.status);
        if (onError) onError(code, r.status);
        const details = (data && data.error && data.error.details) || {};
        throw Object.assign(new Error(code), { code, status: r.status, details });
      }
      return data;
    };
  }

  return { makeApi, newKey };
})();
