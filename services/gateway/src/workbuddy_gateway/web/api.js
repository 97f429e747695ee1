// The public JSON API, as any client app calls it: bearer tokens, refresh when the access token
// expires, problem documents (RFC 9457) turned into errors that say what was wrong.
import { language } from "./i18n.js";

const KEY = "workbuddy.session";

export class Refused extends Error {
  constructor(problem, status) {
    const fields = problem.errors
      ? " " + Object.entries(problem.errors).map(([f, m]) => `${f}: ${[].concat(m).join(" ")}`).join("; ")
      : "";
    super((problem.detail || problem.title || `HTTP ${status}`) + fields);
    this.status = status;
    this.problem = problem;
  }
}

export function session() {
  try { return JSON.parse(localStorage.getItem(KEY)); } catch { return null; }
}

function keep(signedIn) {
  const previous = session() || {};
  localStorage.setItem(KEY, JSON.stringify({
    access: signedIn.access_token, refresh: signedIn.refresh_token,
    member: signedIn.member ? signedIn.member.id : previous.member,
  }));
}

export function forget() { localStorage.removeItem(KEY); }

async function send(method, path, { body, headers = {}, auth = true } = {}) {
  const current = session();
  const request = { method, headers: { Accept: "application/json", "Accept-Language": language(), ...headers } };
  if (body !== undefined) {
    request.headers["Content-Type"] = "application/json";
    request.body = JSON.stringify(body);
  }
  if (auth && current) request.headers.Authorization = `Bearer ${current.access}`;
  return fetch(path, request);
}

// One refresh at a time, however many calls found the token expired together.
let refreshing = null;
export async function refresh() {
  const current = session();
  if (!current) return false;
  refreshing ||= (async () => {
    const response = await send("POST", "/v1/auth/refresh", { body: { refresh_token: current.refresh }, auth: false });
    if (!response.ok) { forget(); return false; }
    keep(await response.json());
    return true;
  })().finally(() => { refreshing = null; });
  return refreshing;
}

export async function call(method, path, options = {}) {
  let response = await send(method, path, options);
  if (response.status === 401 && options.auth !== false && await refresh()) {
    response = await send(method, path, options);
  }
  if (response.status === 401 && options.auth !== false) {
    forget();
    window.dispatchEvent(new Event("workbuddy:signed-out"));
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Refused(data || {}, response.status);
  return { data, etag: response.headers.get("ETag") };
}

export const get = async (path) => (await call("GET", path)).data;
export const post = async (path, body, headers) => (await call("POST", path, { body, headers })).data;
export const put = async (path, body) => (await call("PUT", path, { body })).data;

// Writes a client may retry after a lost answer carry an Idempotency-Key: never applied twice.
export const key = () => crypto.randomUUID();

export async function signUp(fields) {
  const { data } = await call("POST", "/v1/auth/signup", { body: fields, auth: false });
  keep(data);
  return data.member;
}

export async function logIn(email, password) {
  const { data } = await call("POST", "/v1/auth/login", { body: { email, password }, auth: false });
  keep(data);
  return data.member;
}

// A link from a mail: it proves the address (or sets a new password) and signs in.
export async function verifyAddress(token) {
  const { data } = await call("POST", "/v1/auth/verify", { body: { token }, auth: false });
  keep(data);
  return data.member;
}

export async function resetPassword(token, newPassword) {
  const { data } = await call("POST", "/v1/auth/password-reset/confirm",
    { body: { token, new_password: newPassword }, auth: false });
  keep(data);
  return data.member;
}

export async function askForReset(email) {
  await call("POST", "/v1/auth/password-reset", { body: { email }, auth: false });
}

export async function logOut() {
  try { await call("POST", "/v1/auth/logout"); } finally { forget(); }
}

// Other members' public profiles (name, bio, demo mark), asked once per page view.
const names = new Map();
export async function memberOf(memberId) {
  if (!names.has(memberId)) {
    names.set(memberId, get(`/v1/members/${encodeURIComponent(memberId)}`)
      .catch(() => ({ id: memberId, display_name: "…", bio: null, demo: false })));
  }
  return names.get(memberId);
}

export async function nameOf(memberId) {
  return (await memberOf(memberId)).display_name;
}
