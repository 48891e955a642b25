// The one place that talks to csmsd: every call carries the session's token, every failure becomes
// an ApiError with the CSMS code and message the server sent.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// The session lives in sessionStorage (per tab, gone when the tab closes), never in localStorage
// or a cookie.
const KEY = 'csms.session';
let session = JSON.parse(sessionStorage.getItem(KEY) || 'null');

export const getSession = () => session;

function setSession(s) {
  session = s;
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
}

async function errorOf(res) {
  let code = `HTTP ${res.status}`;
  let message = res.statusText || 'request failed';
  try {
    const body = await res.json();
    if (body && body.error_code) code = body.error_code;
    if (body && body.error_msg) message = body.error_msg;
    else if (body && body.error && body.error.message) message = body.error.message;
  } catch (e) {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, code, message);
}

export async function request(method, path, body, { raw = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (session) headers['X-Auth-Token'] = session.token;
  const init = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json;charset=UTF-8';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 401 && session) {
    setSession(null);
    window.dispatchEvent(new Event('csms-logged-out'));
  }
  if (!res.ok) throw await errorOf(res);
  if (raw) return res;
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

// A path under the session's project: /v1/{project_id}/...
export const projectPath = (rest) => `/v1/${encodeURIComponent(session.project_id)}${rest}`;

export const seg = encodeURIComponent;

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Keystone password authentication, scoped to a project by name.
export async function login({ domain, user, password, project }) {
  const body = {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: domain } } } },
      scope: { project: { name: project, domain: { name: domain } } },
    },
  };
  const res = await fetch('/v3/auth/tokens?nocatalog=true', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json;charset=UTF-8', Accept: 'application/json' },
    body: JSON.stringify(body),
    cache: 'no-store',
  });
  if (!res.ok) throw await errorOf(res);
  const token = res.headers.get('X-Subject-Token');
  const t = (await res.json()).token;
  setSession({
    token,
    project_id: t.project.id,
    project_name: t.project.name,
    user: t.user.name,
    domain: t.user.domain ? t.user.domain.name : domain,
    expires_at: t.expires_at,
  });
  return session;
}

// Revokes the token on the server, then forgets it here (also when revocation fails: the user
// asked to leave).
export async function logout() {
  if (!session) return;
  const token = session.token;
  try {
    await fetch('/v3/auth/tokens', {
      method: 'DELETE',
      headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
      cache: 'no-store',
    });
  } finally {
    setSession(null);
  }
}
