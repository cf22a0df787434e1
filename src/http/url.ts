// The one way fbsync builds an API address (`{base}/{path}?{query}`) and reads a path back out of
// one. Both sides use it: the Graph and OAuth clients, the login dialog, Planfix's REST calls.

/**
 * `{base}/{path}?{params}`: the base without its trailing slashes, each path segment
 * percent-encoded (a path ending in `/` keeps it: Planfix's create calls are `task/`), the query
 * in the given order, and no `?` when there is none.
 */
export function apiUrl(base: string, path: string, params: Record<string, string> = {}): string {
  const query = Object.entries(params)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeQueryValue(value)}`)
    .join('&');
  return `${base.replace(/\/+$/, '')}/${path.split('/').map(encodeURIComponent).join('/')}${query ? `?${query}` : ''}`;
}

/** The path of `url` (`/rest/task/`), or undefined when it is not a URL. */
export function pathOf(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

/** Keeps Graph's field syntax readable (`comments.filter(stream){id,name}`); all of it is legal in a query. */
function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/g, ',').replace(/%7B/g, '{').replace(/%7D/g, '}');
}
