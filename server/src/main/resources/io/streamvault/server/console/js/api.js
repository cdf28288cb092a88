// The console's only way to the server: the documented HTTP API under /api/v1, with the bearer
// token the user signed in with (kept in this tab's sessionStorage, never in a cookie).
const BASE = '/api/v1';
const KEY = 'streamvault.token';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (t) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

async function send(method, path, body) {
  const headers = { Authorization: 'Bearer ' + (token.get() || '') };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let r;
  try {
    r = await fetch(BASE + path, { method, headers, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'unreachable', 'the server cannot be reached: ' + e.message);
  }
  if (!r.ok) {
    let err = { code: 'http_' + r.status, message: r.statusText || 'HTTP ' + r.status };
    try {
      err = await r.json();
    } catch (e) {
      // not JSON: keep the status line
    }
    throw new ApiError(r.status, err.code, err.message);
  }
  return r;
}

export async function api(method, path, body) {
  const r = await send(method, path, body);
  return r.status === 204 ? null : r.json();
}

export const get = (path) => api('GET', path);

/** Asks for JSON but answers null when the route is missing (404) or forbidden (403) for this token. */
export async function optional(path) {
  try {
    return await get(path);
  } catch (e) {
    if (e.status === 404 || e.status === 403) return null;
    throw e;
  }
}

/** Downloads a file of a snapshot with the token (a plain link could not carry it) and saves it as name. */
export async function download(path, name) {
  const r = await send('GET', path);
  const blob = await r.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return blob.size;
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.append(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
