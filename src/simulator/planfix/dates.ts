// Planfix writes dates as dd-mm-yyyy[ hh:mm[:ss]] in the token employee's time zone. The sim keeps
// that zone as a fixed offset (default 0 = UTC) so a client's offset handling can still be tested.

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

export interface TimePoint {
  date: string;
  time: string;
  datetime: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function partsOf(ms: number) {
  const d = new Date(ms);
  return {
    day: d.getUTCDate(),
    month: d.getUTCMonth() + 1,
    year: d.getUTCFullYear(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  };
}

/** `date`/`time` in the employee's zone; `datetime` in UTC (Planfix's own examples end in `Z`). */
export function toTimePoint(ms: number, offsetMin: number): TimePoint {
  const l = partsOf(ms + offsetMin * MINUTE_MS);
  const u = partsOf(ms);
  return {
    date: `${pad(l.day)}-${pad(l.month)}-${l.year}`,
    time: `${pad(l.hour)}:${pad(l.minute)}`,
    datetime: `${u.year}-${pad(u.month)}-${pad(u.day)}T${pad(u.hour)}:${pad(u.minute)}Z`,
  };
}

const DATE_RE = /^(\d{2})-(\d{2})-(\d{4})$/;
const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** null when the text is not a real calendar date/time (31-02-2024 is rejected, not rolled over). */
export function parseDateAndTime(date: string, time: string | undefined, offsetMin: number): number | null {
  const dm = DATE_RE.exec(date);
  if (!dm) return null;
  let hour = 0;
  let minute = 0;
  let second = 0;
  if (time !== undefined) {
    const tm = TIME_RE.exec(time);
    if (!tm) return null;
    hour = Number(tm[1]);
    minute = Number(tm[2]);
    second = tm[3] === undefined ? 0 : Number(tm[3]);
    if (hour > 23 || minute > 59 || second > 59) return null;
  }
  const day = Number(dm[1]);
  const month = Number(dm[2]);
  const year = Number(dm[3]);
  const localMs = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(localMs);
  if (back.getUTCDate() !== day || back.getUTCMonth() + 1 !== month || back.getUTCFullYear() !== year) return null;
  return localMs - offsetMin * MINUTE_MS;
}

/** `dd-mm-yyyy` or `dd-mm-yyyy hh:mm[:ss]` (one space). */
export function parseDateTimeString(text: string, offsetMin: number): { ms: number; hasTime: boolean } | null {
  const [date, time, extra] = text.split(' ');
  if (extra !== undefined || date === undefined) return null;
  const ms = parseDateAndTime(date, time, offsetMin);
  return ms === null ? null : { ms, hasTime: time !== undefined };
}

/** Start of the minute or day containing `ms`, counted in the employee's zone. */
export function floorLocal(ms: number, unit: 'minute' | 'day', offsetMin: number): number {
  const size = unit === 'minute' ? MINUTE_MS : DAY_MS;
  const local = ms + offsetMin * MINUTE_MS;
  return Math.floor(local / size) * size - offsetMin * MINUTE_MS;
}
