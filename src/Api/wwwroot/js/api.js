// The API, as this page uses it: JSON in and out, RFC 9457 problems as errors, Idempotency-Key retries, and the
// pages of /events followed through their Link headers. Paths are relative to the page, which the API serves.

/** An answer of the API that is a problem (RFC 9457): its title and detail are what the page shows. */
export class Problem extends Error {
  constructor(problem, status) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = "Problem";
    this.type = problem.type ?? "about:blank";
    this.title = problem.title ?? `HTTP ${status}`;
    this.detail = problem.detail ?? "";
    this.status = problem.status ?? status;
    this.problem = problem;
  }
}

/** No answer at all: the network is down, or the server went away mid-answer. Safe to retry with the same key. */
export class NetworkError extends Error {
  constructor(cause) {
    super("The server could not be reached.");
    this.name = "NetworkError";
    this.cause = cause;
  }
}

const JSON_TYPES = "application/json, application/problem+json";

/** One request: its answer's status, headers and JSON body; a Problem for a 4xx/5xx, a NetworkError for none. */
export async function request(method, path, { body, token, idempotencyKey } = {}) {
  const headers = { accept: JSON_TYPES };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;

  let response, text;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
    text = await response.text();
  } catch (error) {
    throw new NetworkError(error);
  }

  const type = response.headers.get("content-type") ?? "";
  let json = null;
  if (text && type.includes("json")) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!response.ok) {
    const problem = json && typeof json === "object" ? json : { title: `HTTP ${response.status}`, detail: text.slice(0, 300) };
    const error = new Problem(problem, response.status);
    error.retryAfter = Number(response.headers.get("retry-after")) || null;
    throw error;
  }
  return { status: response.status, headers: response.headers, body: json, url: response.url };
}

/**
 * Runs `attempt` until it answers, again after network errors and 503s (the same request, so the same
 * Idempotency-Key), waiting a little longer each time: what a player on a bad connection needs. `onRetry(error, n)`
 * says so on the page. Other problems are thrown at once.
 */
export async function withRetries(attempt, { onRetry = () => {}, attempts = 8 } = {}) {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const retriable = error instanceof NetworkError || (error instanceof Problem && (error.status === 503 || error.status === 429));
      if (!retriable || n >= attempts) throw error;
      onRetry(error, n);
      const backoff = Math.min(4000, 250 * 2 ** (n - 1));
      await delay(error.retryAfter ? error.retryAfter * 1000 : backoff);
    }
  }
}

function delay(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** A fresh Idempotency-Key: one per request, reused by that request's retries. */
export function newIdempotencyKey() {
  return crypto.randomUUID();
}

const enc = encodeURIComponent;

export const api = {
  async startSession({ player, seed }, options) {
    const key = newIdempotencyKey();
    const body = seed === null || seed === undefined ? { player } : { player, seed };
    return (await withRetries(() => request("POST", "sessions", { body, idempotencyKey: key }), options)).body;
  },

  async session(id) {
    return (await request("GET", `sessions/${enc(id)}`)).body;
  },

  /** Plays moves in one request; `key` is the batch's Idempotency-Key, the same on every retry of it. */
  async move(id, token, moves, key, options) {
    return (await withRetries(() => request("POST", `sessions/${enc(id)}/moves`, { body: { moves }, token, idempotencyKey: key }), options)).body;
  },

  async abandon(id, token) {
    return (await request("POST", `sessions/${enc(id)}/abandon`, { token })).body;
  },

  /** Every event of a session, following each page's Link to the next. */
  async events(id) {
    const events = [];
    for (let next = `sessions/${enc(id)}/events?limit=5000`; next;) {
      const page = await request("GET", next);
      events.push(...page.body);
      const link = /<([^>]*)>\s*;\s*rel="?next"?/.exec(page.headers.get("link") ?? "");
      next = link ? new URL(link[1], page.url).href : null;
    }
    return events;
  },

  async sessions(status, limit = 20) {
    return (await request("GET", `sessions?status=${enc(status)}&limit=${limit}`)).body;
  },

  async challenge(day) {
    return (await request("GET", `challenges/${enc(day)}`)).body;
  },

  async submitClaim(claim, key, options) {
    return (await withRetries(() => request("POST", "claims", { body: claim, idempotencyKey: key }), options)).body;
  },

  async leaderboard(day, limit = 20) {
    return (await request("GET", day ? `leaderboard/daily/${enc(day)}?limit=${limit}` : `leaderboard?limit=${limit}`)).body;
  },

  async stats(day) {
    return (await request("GET", day ? `stats/daily/${enc(day)}` : "stats")).body;
  },
};

/** Today as the API's days are: the UTC date, yyyy-MM-dd. */
export function todayUtc() {
  return new Date().toISOString().slice(0, 10);
}
