// One registry of secrets for the whole process: every line fbsync prints passes through redact().
// Secrets are registered the moment they are known (config load, token exchange).

const secrets = new Set<string>();

const SECRET_QUERY_PARAMS = /([?&](?:access_token|appsecret_proof|client_secret|fb_exchange_token|input_token|code)=)[^&#\s"']+/gi;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;

export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 4) return;
  secrets.add(value);
  // URL-encoded forms appear inside paging.next URLs.
  secrets.add(encodeURIComponent(value));
}

export function redact(text: string): string {
  let out = text.replace(SECRET_QUERY_PARAMS, '$1***').replace(BEARER, '$1***');
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join('***');
  }
  return out;
}

/** Only for tests that need a clean registry. */
export function clearSecrets(): void {
  secrets.clear();
}
