// A test hook shared by both simulators: replace or rewrite single answers, to give a client the
// malformed answers real APIs sometimes send (a missing or mistyped field, an HTML page with
// status 200, a cut-off body, a page of ids already listed). Fault injection (setFaults) covers
// transport trouble; this covers "the server answered, but not what the documentation says".

/** What a hook sees of a request. */
export interface SimRequestInfo {
  method: string;
  /** URL path without the query, e.g. `/v24.0/104857600000000/feed` or `/rest/task/list`. */
  path: string;
  /** The query string, secrets removed (access_token, appsecret_proof, …). */
  query: URLSearchParams;
  /** The raw request body ('' for none). */
  body: string;
}

/** An answer a hook sends instead of the simulator's own. */
export interface SimAnswer {
  status: number;
  /** Lower-case names; `content-type` defaults to JSON. */
  headers?: Record<string, string>;
  /** Sent byte for byte: JSON, HTML, or half a JSON document. */
  body: string;
}

/**
 * Called for every API request as it arrives, before fault injection. Return undefined to serve
 * the request as usual. Return an answer to send it instead (nothing is applied unless the hook
 * called `real()`). `real()` serves the request as usual — applying a write — and returns the
 * answer the simulator would send, for hooks that only alter it; a hook that called `real()` and
 * returns undefined sends that real answer unchanged.
 */
export type ResponseOverride = (request: SimRequestInfo, real: () => SimAnswer) => SimAnswer | undefined;

const SECRET_PARAMS = ['access_token', 'appsecret_proof', 'appsecret_time', 'client_secret', 'fb_exchange_token', 'input_token', 'code'];

export function requestInfo(method: string, url: URL, body: string): SimRequestInfo {
  const query = new URLSearchParams(url.search);
  for (const k of SECRET_PARAMS) query.delete(k);
  return { method, path: url.pathname, query, body };
}

/**
 * Runs the hook. Returns the answer to send, or undefined to go on as usual; `ran` tells whether
 * the real route was served (then its answer must not be computed again).
 */
export function applyOverride(hook: ResponseOverride | null, info: SimRequestInfo, serveReal: () => SimAnswer): SimAnswer | undefined {
  if (!hook) return undefined;
  let real: SimAnswer | undefined;
  const answer = hook(info, () => (real ??= serveReal()));
  return answer ?? real;
}
