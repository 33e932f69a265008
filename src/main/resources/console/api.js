// The one module that calls the management API: same origin, JSON, the session's CSRF token on every request that
// changes something, and problem+json answers turned into errors whose text says what the server said.

import { el, visibleText } from './dom.js';

const SIGN_IN = '/console/signin';
const PROBLEM_PREFIX = 'urn:werken:problem:';

let session = { signed_in: false, token_required: false, csrf_token: null };

/** An answer other than 2xx: status, the problem body if there was one, and a message made from it. */
export class ApiError extends Error {
  constructor(status, problem, fallback) {
    super(problemText(status, problem, fallback));
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.type = problem && typeof problem.type === 'string' ? problem.type.replace(PROBLEM_PREFIX, '') : null;
    this.errors = problem && Array.isArray(problem.errors) ? problem.errors : [];
  }
}

function problemText(status, problem, fallback) {
  if (problem && typeof problem === 'object') {
    const title = problem.title ? String(problem.title) : `HTTP ${status}`;
    return problem.detail ? `${title} (${status}): ${problem.detail}` : `${title} (${status})`;
  }
  return fallback ? `HTTP ${status}: ${fallback}` : `HTTP ${status}`;
}

/** The session as GET /console/session last answered. */
export function currentSession() {
  return session;
}

/** Asks the server for the session (and its CSRF token). */
export async function loadSession() {
  const response = await fetch('/console/session', {
    method: 'GET', credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' },
  });
  if (!response.ok) {
    throw await errorOf(response);
  }
  session = await response.json();
  return session;
}

/** Sends the browser to the sign-in page, remembering where it was. */
export function goToSignIn() {
  try {
    sessionStorage.setItem('werken.next', location.hash || '#/overview');
  } catch (e) {
    // storage unavailable: the sign-in page then opens the overview
  }
  location.replace(SIGN_IN);
}

/** Signs out (DELETE /console/session) and opens the sign-in page. */
export async function signOut() {
  await request('/console/session', { method: 'DELETE' });
  session = { signed_in: false, token_required: session.token_required, csrf_token: null };
  location.replace(SIGN_IN);
}

/** A path with each dynamic part encoded: path('/workflows/', id, '/check'). Odd arguments are literal. */
export function path(...parts) {
  return parts.map((part, i) => (i % 2 === 0 ? String(part) : encodeURIComponent(String(part)))).join('');
}

/** A path with a query string from an object; empty values are left out. */
export function withQuery(base, query) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `${base}?${text}` : base;
}

async function errorOf(response) {
  const type = response.headers.get('Content-Type') || '';
  const text = await response.text().catch(() => '');
  let problem = null;
  if (/json/i.test(type) && text) {
    try {
      problem = JSON.parse(text);
    } catch (e) {
      problem = null;
    }
  }
  return new ApiError(response.status, problem, problem ? null : text.slice(0, 300) || response.statusText);
}

/**
 * Calls the API. options: method (GET), query (object), body (an object is sent as JSON, a string as it is: a JSON
 * text the caller has checked), signal, exact (parse the answer keeping every number's text, see parseExact),
 * withText (resolve to {json, text}: the answer's text too). Resolves to the parsed JSON (or null for an empty answer);
 * rejects with ApiError.
 */
export async function request(base, options = {}) {
  const { method = 'GET', query, body, signal, exact = false, withText = false } = options;
  const url = withQuery(base, query);
  const send = async () => {
    const headers = { Accept: 'application/json, application/problem+json' };
    const init = { method, headers, credentials: 'same-origin', cache: 'no-store', redirect: 'error', signal };
    if (method !== 'GET' && method !== 'HEAD') {
      if (session.csrf_token) {
        headers['X-CSRF-Token'] = session.csrf_token;
      }
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
      }
    }
    return fetch(url, init);
  };
  let response = await send();
  if (response.status === 403 && method !== 'GET') {
    const error = await errorOf(response.clone());
    if (error.type === 'csrf-token-invalid') {
      // The session may have been renewed (another tab signed in again): take its token and try once more.
      await loadSession();
      response = await send();
    }
  }
  if (response.status === 401 && session.token_required) {
    goToSignIn();
  }
  if (!response.ok) {
    throw await errorOf(response);
  }
  const text = await response.text();
  const json = !text ? null : exact ? parseExact(text) : JSON.parse(text);
  return withText ? { json, text } : json;
}

/** GET. */
export function get(base, query, options = {}) {
  return request(base, { ...options, query });
}

/** POST with a body (object or checked JSON text). */
export function post(base, body, query, options = {}) {
  return request(base, { ...options, method: 'POST', body, query });
}

/**
 * JSON.parse that keeps each number's text when a JavaScript number would not say it the same way (integers beyond
 * 2^53, long decimals): such numbers become JSON.rawJSON values, which JSON.stringify writes back exactly. Where the
 * browser lacks JSON.rawJSON, plain JSON.parse.
 */
export function parseExact(text) {
  if (typeof JSON.rawJSON !== 'function') {
    return JSON.parse(text);
  }
  return JSON.parse(text, (key, value, context) => {
    if (typeof value === 'number' && context && typeof context.source === 'string' && String(value) !== context.source) {
      return JSON.rawJSON(context.source);
    }
    return value;
  });
}

/** True for a number kept as its text by parseExact. */
export function isRawNumber(value) {
  return typeof JSON.isRawJSON === 'function' && JSON.isRawJSON(value);
}

/** True if the error is a fetch cancelled by leaving the page. */
export function isAbort(error) {
  return error && (error.name === 'AbortError');
}

/**
 * An error as a block of text for the page: the problem's title, status and detail, and each of its errors (a JSON
 * Pointer and a message). Never HTML: every part is text.
 */
export function errorBlock(error, what) {
  const lines = [];
  if (error instanceof ApiError) {
    lines.push(el('p', null, (what ? what + ': ' : '') + error.message));
    if (error.errors.length) {
      lines.push(el('ul', { class: 'problems' }, error.errors.map(e => el('li', null,
        el('code', null, e.pointer || '(whole body)'), ' ', e.message || ''))));
    }
  } else {
    lines.push(el('p', null, (what ? what + ': ' : '') + visibleText(error && error.message ? error.message : error)));
  }
  return el('div', { class: ['msg', 'msg-error'], role: 'alert', 'data-test': 'error' }, lines);
}
