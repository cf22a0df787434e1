// Planfix filter dates are `dd-mm-yyyy hh:mm`, minute resolution, read in the token employee's
// time zone (api-notes-planfix.md §1 "Paging, ids, dates"). fbsync cannot know that zone, so it
// writes UTC and the caller subtracts an overlap margin wide enough for any zone offset it expects
// (results are deduplicated by id, so polling too far back only costs a longer list).

const pad = (n: number) => String(n).padStart(2, '0');

/** `instant` as `dd-mm-yyyy hh:mm` in the zone `utcOffsetMinutes` from UTC, rounded down to the minute (never later than asked). */
export function formatFilterDate(instant: Date, utcOffsetMinutes = 0): string {
  if (Number.isNaN(instant.getTime())) throw new TypeError('formatFilterDate: invalid Date');
  const local = new Date(instant.getTime() + utcOffsetMinutes * 60_000);
  return `${pad(local.getUTCDate())}-${pad(local.getUTCMonth() + 1)}-${local.getUTCFullYear()} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}

/** A TimePoint's `datetime` ("2022-06-01T12:25Z") as a full ISO string, or undefined when unreadable. */
export function isoFromTimePoint(datetime: string | undefined): string | undefined {
  if (datetime === undefined) return undefined;
  const ms = Date.parse(datetime);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
