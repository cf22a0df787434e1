// Complex filters (ANDed). Only the types fbsync can plausibly use are modelled; any other type
// is refused with code 41 so a client never silently gets an unfiltered list.

import { invalidParam } from './errors.js';
import { floorLocal, parseDateTimeString } from './dates.js';
import { asId, listOf } from './inputs.js';
import type { CfValue, ContactRec, CustomFieldDef, TaskRec } from './model.js';
import type { PlanfixState } from './state.js';

type Pred<T> = (rec: T) => boolean;
type RawFilter = { type?: unknown; operator?: unknown; value?: unknown; field?: unknown };

const LINE_OPS = ['equal', 'notequal', 'have', 'nothave'];
const ID_OPS = ['equal', 'notequal'];
const DATE_OPS = ['equal', 'notequal', 'gt', 'lt', 'gtAndEqual', 'ltAndEqual'];

function eachFilter(raw: unknown): RawFilter[] {
  return listOf(raw, 'filters').map((f, i) => {
    if (typeof f !== 'object' || f === null || Array.isArray(f)) throw invalidParam(`filters[${i}] must be an object`);
    const rf = f as RawFilter;
    if (typeof rf.type !== 'number') throw invalidParam(`filters[${i}].type must be a number`);
    return rf;
  });
}

function operator(f: RawFilter, allowed: string[]): string {
  if (typeof f.operator !== 'string' || !allowed.includes(f.operator)) {
    throw invalidParam(`filter type ${f.type}: operator must be one of ${allowed.join('|')}`);
  }
  return f.operator;
}

function fieldDef(f: RawFilter, defs: Map<number, CustomFieldDef>): CustomFieldDef {
  if (f.field === undefined) throw invalidParam(`filter type ${f.type}: field is required`);
  const id = asId(f.field, `filter type ${f.type} field`);
  const def = defs.get(id);
  if (!def) throw invalidParam(`filter type ${f.type}, custom field not found by id - ${id}`);
  return def;
}

function lineMatcher(f: RawFilter, defs: Map<number, CustomFieldDef>): (values: Map<number, CfValue>) => boolean {
  const def = fieldDef(f, defs);
  const op = operator(f, LINE_OPS);
  if (typeof f.value !== 'string' && typeof f.value !== 'number') throw invalidParam(`filter type ${f.type}: value must be a string`);
  const want = String(f.value);
  return (values) => {
    const have = values.get(def.id);
    const text = have === undefined ? '' : String(have);
    switch (op) {
      case 'equal':
        return text === want;
      case 'notequal':
        return text !== want;
      case 'have':
        return text.toLowerCase().includes(want.toLowerCase());
      default:
        return !text.toLowerCase().includes(want.toLowerCase());
    }
  };
}

/** 10/51/57/4016 take one id or an array of ids. */
function idMatcher(f: RawFilter): (id: number | undefined) => boolean {
  const op = operator(f, ID_OPS);
  const ids = Array.isArray(f.value) ? f.value.map((v) => asId(v, `filter type ${f.type} value`)) : [asId(f.value, `filter type ${f.type} value`)];
  return (id) => (id !== undefined && ids.includes(id)) === (op === 'equal');
}

/**
 * Dates compare at the resolution the dateType gives (minute for *_withTime, day otherwise),
 * in the employee's zone: `gt 12:25` does not return a task touched at 12:25:40.
 */
function dateMatcher(f: RawFilter, offsetMin: number): (t: number | undefined) => boolean {
  const op = operator(f, DATE_OPS);
  const v = f.value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null || typeof v.dateType !== 'string') {
    throw invalidParam(`filter type ${f.type}: value must be {dateType, dateFrom[, dateTo]}`);
  }
  const unit = v.dateType.endsWith('_withTime') ? 'minute' : 'day';
  const parse = (key: 'dateFrom' | 'dateTo'): number => {
    const text = v[key];
    const parsed = typeof text === 'string' ? parseDateTimeString(text, offsetMin) : null;
    if (!parsed) throw invalidParam(`filter type ${f.type}: ${key} must be dd-mm-yyyy${unit === 'minute' ? ' hh:mm' : ''}`);
    return floorLocal(parsed.ms, unit, offsetMin);
  };
  let lo: number;
  let hi: number;
  if (v.dateType === 'otherDate' || v.dateType === 'otherDate_withTime') {
    lo = hi = parse('dateFrom');
  } else if (v.dateType === 'otherRange' || v.dateType === 'otherRange_withTime') {
    if (op !== 'equal' && op !== 'notequal') throw invalidParam(`filter type ${f.type}: a range takes equal|notequal`);
    lo = parse('dateFrom');
    hi = parse('dateTo');
  } else {
    throw invalidParam(`filter type ${f.type}: dateType ${v.dateType} is not supported by the simulator`);
  }
  return (t) => {
    // A task with no such date (no comment yet for 21) matches no comparison.
    if (t === undefined) return false;
    const x = floorLocal(t, unit, offsetMin);
    switch (op) {
      case 'equal':
        return x >= lo && x <= hi;
      case 'notequal':
        return x < lo || x > hi;
      case 'gt':
        return x > hi;
      case 'gtAndEqual':
        return x >= lo;
      case 'lt':
        return x < lo;
      default:
        return x <= hi;
    }
  };
}

const lastActivity = (t: TaskRec) => Math.max(t.changedAt, t.lastCommentAt ?? t.changedAt);

export function taskFilter(raw: unknown, state: PlanfixState): Pred<TaskRec> {
  const off = state.config.timeZoneOffsetMin;
  const preds: Pred<TaskRec>[] = eachFilter(raw).map((f) => {
    switch (f.type) {
      case 51: {
        const m = idMatcher(f);
        return (t) => m(t.templateId);
      }
      case 10: {
        const m = idMatcher(f);
        return (t) => m(t.statusId);
      }
      case 57: {
        const m = idMatcher(f);
        return (t) => m(t.id);
      }
      case 101: {
        const m = lineMatcher(f, state.taskFields);
        return (t) => m(t.custom);
      }
      case 7: {
        const op = operator(f, ID_OPS);
        if (typeof f.value !== 'string') throw invalidParam('filter type 7: value must be "contact:N"');
        const want = f.value;
        return (t) => (t.counterparty === want) === (op === 'equal');
      }
      case 12: {
        const m = dateMatcher(f, off);
        return (t) => m(t.createdAt);
      }
      case 38: {
        const m = dateMatcher(f, off);
        return (t) => m(t.changedAt);
      }
      case 21: {
        const m = dateMatcher(f, off);
        return (t) => m(t.lastCommentAt);
      }
      case 79: {
        const m = dateMatcher(f, off);
        return (t) => m(lastActivity(t));
      }
      default:
        throw invalidParam(`filter type ${f.type} is not supported by the simulator`);
    }
  });
  return (t) => preds.every((p) => p(t));
}

export function contactFilter(raw: unknown, state: PlanfixState): Pred<ContactRec> {
  const preds: Pred<ContactRec>[] = eachFilter(raw).map((f) => {
    switch (f.type) {
      case 4101: {
        const m = lineMatcher(f, state.contactFields);
        return (c) => m(c.custom);
      }
      case 4001: {
        const op = operator(f, ID_OPS);
        if (typeof f.value !== 'string') throw invalidParam('filter type 4001: value must be a string');
        const want = f.value.toLowerCase();
        return (c) => [c.name, c.midname, c.lastname].filter(Boolean).join(' ').toLowerCase().includes(want) === (op === 'equal');
      }
      case 4016: {
        const m = idMatcher(f);
        return (c) => m(c.templateId);
      }
      case 4152:
      case 4153: {
        const def = fieldDef(f, state.contactFields);
        const want = f.type === 4152;
        return (c) => c.custom.has(def.id) === want;
      }
      default:
        throw invalidParam(`filter type ${f.type} is not supported by the simulator`);
    }
  });
  return (c) => preds.every((p) => p(c));
}
