// The management API client: the `{ok, data | error}` envelope, the admin token (asked
// once, kept in sessionStorage for the session), and errors as exceptions whose message is
// the API's own.

const TOKEN_KEY = 'reg-admin-token';

/** Where the token is, for the prompt: a gateway locks its API by default with a token of
 * its own making, kept in its data directory. */
export const TOKEN_HELP =
  'Enter the admin token. A gateway started without --admin-token generated one: it is in the file admin-token in its data directory (./data/admin-token by default; `cat data/admin-token`).';

/** An API failure: `message` is the envelope's error, `status` the HTTP status. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let askToken = null;
// Set when the user cancels the token prompt: polling must not reopen it every few
// seconds. `askAgain()` (the header's "Enter token" button) clears it.
let declined = false;

/** Whether the user cancelled the token prompt (the API keeps answering 401). */
export function tokenDeclined() {
  return declined;
}

/** Opens the token prompt again after a cancel; resolves to whether a token was given. */
export async function askAgain() {
  declined = false;
  if (!askToken) return false;
  const t = await askToken(TOKEN_HELP);
  if (t) setToken(t);
  else declined = true;
  return Boolean(t);
}

/** Registers the function that asks the user for a token (returns a Promise<string|null>). */
export function onTokenNeeded(fn) {
  askToken = fn;
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(t) {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(extra = {}) {
  const h = { ...extra };
  const t = token();
  if (t) h.Authorization = `Bearer ${t}`;
  return h;
}

async function send(method, path, body, opts = {}) {
  const init = { method, headers: headers(opts.headers) };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(`/api${path}`, init);
  } catch (e) {
    throw new ApiError(0, `the admin API did not answer (${e.message}); is the gateway running?`);
  }
  if (res.status === 401 && askToken && !opts.retried && !declined) {
    const t = await askToken(await errorText(res));
    if (t) {
      setToken(t);
      return send(method, path, body, { ...opts, retried: true });
    }
    declined = true;
  }
  return res;
}

async function errorText(res) {
  try {
    const j = await res.clone().json();
    if (j && j.error) return j.error;
  } catch (_) {
    /* not JSON */
  }
  return `${res.status} ${res.statusText}`;
}

async function unwrap(res) {
  let j;
  try {
    j = await res.json();
  } catch (_) {
    throw new ApiError(res.status, `${res.status} ${res.statusText}: the answer was not JSON`);
  }
  if (!res.ok || !j.ok) throw new ApiError(res.status, j.error || `${res.status} ${res.statusText}`);
  return j.data;
}

/** Calls the API and returns the envelope's `data`, or throws an ApiError. A change
 * (any method but GET) is announced as a `reg-changed` event, so the header's figures
 * follow at once. */
export async function api(method, path, body) {
  const data = await unwrap(await send(method, path, body));
  if (method !== 'GET') dispatchEvent(new Event('reg-changed'));
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

/**
 * Compiles an endpoint, calling `onLine(text)` for each line cargo prints as it prints it.
 * Resolves to `{ok, data | error, status}` (the same as the plain call's envelope).
 */
export async function compileStreaming(id, onLine) {
  const res = await send('POST', `/endpoints/${encodeURIComponent(id)}/compile?stream=true`);
  if (!res.ok) return { ok: false, status: res.status, error: await errorText(res) };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  let last = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!line.trim()) continue;
      const msg = JSON.parse(line);
      if (msg.done) last = msg;
      else onLine(msg.line);
    }
  }
  return last || { ok: false, status: 0, error: 'the build stream ended without a result' };
}
