// Version prefixes. Graph serves a retired version as the oldest live one and says so in the
// `Facebook-API-Version` header (notes §0), so a client pinned too low finds out from the header.

const OLDEST_VERSION = 21;
const NEWEST_VERSION = 26;

export interface VersionedPath {
  /** `/v24.0`, or '' when the path had no version. */
  prefix: string;
  /** Version the answer is served with. */
  served: string;
  /** Path after the prefix, starting with `/`. */
  rest: string;
}

/** null for a version newer than any Graph has released. */
export function splitVersion(pathname: string, dflt: string): VersionedPath | null {
  const m = /^\/(v(\d+)\.(\d+))(\/.*)?$/.exec(pathname);
  if (!m) return { prefix: '', served: dflt, rest: pathname };
  const major = Number(m[2]);
  if (major > NEWEST_VERSION) return null;
  return { prefix: `/${m[1]}`, served: major < OLDEST_VERSION ? `v${OLDEST_VERSION}.0` : m[1], rest: m[4] ?? '/' };
}
