// "Did you mean" for unknown configuration keys.

/** Edit distance counting an adjacent transposition as one edit ("tokne" → "token" is 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** Case, `_` and `-` do not count: `page_id`, `PageID` and `page-id` all mean `pageId`. */
function normalise(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/**
 * The candidate closest to `name`, or undefined when none is close enough to be a plausible typo
 * (at most 2 edits, or a third of the name's length for long names).
 */
export function suggest(name: string, candidates: readonly string[]): string | undefined {
  const n = normalise(name);
  const limit = Math.max(2, Math.floor(n.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(n, normalise(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
