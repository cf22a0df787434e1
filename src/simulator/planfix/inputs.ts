// Request-body readers. They refuse what the notes say Planfix refuses (unknown templates, fields
// outside the template, unknown people) rather than guessing, so a sloppy client fails here first.

import { PfError, invalidParam, missingParam } from './errors.js';
import { parseDateAndTime, parseDateTimeString } from './dates.js';
import type { CfValue, CustomFieldDef, PeopleSet, PersonId } from './model.js';
import type { PlanfixState } from './state.js';

export type Body = Record<string, unknown>;

const isObj = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

export function optString(body: Body, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidParam(`${key} must be a string`);
  return v;
}

export function reqString(body: Body, key: string): string {
  const v = optString(body, key);
  if (v === undefined || v.trim() === '') throw missingParam(key);
  return v;
}

export function optBool(body: Body, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidParam(`${key} must be a boolean`);
  return v;
}

/** Numeric id as a JSON number or a digit string. */
export function asId(v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  throw invalidParam(`${what} must be an id`);
}

/** `{id: N}` references (template, status, file, group). */
export function refId(v: unknown, what: string): number {
  if (!isObj(v) || v.id === undefined) throw invalidParam(`${what} must be an object with id`);
  return asId(v.id, `${what}.id`);
}

/** People are "user:N" / "contact:N"; a bare number is not a person. */
export function personRef(v: unknown, what: string, state: PlanfixState): PersonId {
  if (!isObj(v) || typeof v.id !== 'string' || !/^(user|contact):\d+$/.test(v.id)) {
    throw invalidParam(`${what}.id must be "user:N" or "contact:N"`);
  }
  if (!state.personExists(v.id)) throw invalidParam(`${what}, object not found by id - ${v.id}`);
  return v.id;
}

/** Counterparty is always a contact; the spec's example sends a bare number, working code "contact:N". */
export function counterpartyRef(v: unknown, state: PlanfixState): PersonId {
  if (!isObj(v)) throw invalidParam('counterparty must be an object with id');
  const raw = v.id;
  let id: string;
  if (typeof raw === 'number' && Number.isInteger(raw)) id = `contact:${raw}`;
  else if (typeof raw === 'string' && /^(contact:)?\d+$/.test(raw)) id = raw.startsWith('contact:') ? raw : `contact:${raw}`;
  else throw invalidParam('counterparty.id must be a contact id');
  if (!state.personExists(id)) throw invalidParam(`counterparty, contact not found by id - ${id}`);
  return id;
}

export function peopleSet(v: unknown, what: string, state: PlanfixState): PeopleSet {
  if (!isObj(v)) throw invalidParam(`${what} must be an object`);
  const users = listOf(v.users, `${what}.users`).map((u, i) => personRef(u, `${what}.users[${i}]`, state));
  const groups = listOf(v.groups, `${what}.groups`).map((g, i) => {
    const id = refId(g, `${what}.groups[${i}]`);
    if (!state.groups.has(id)) throw invalidParam(`${what}.groups, group not found by id - ${id}`);
    return id;
  });
  return { users: dedupe(users), groups: dedupe(groups) };
}

export function listOf(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalidParam(`${what} must be an array`);
  return v;
}

export function fileRefs(v: unknown, state: PlanfixState): number[] {
  return listOf(v, 'files').map((f, i) => {
    const id = refId(f, `files[${i}]`);
    if (!state.files.has(id)) throw invalidParam(`files, file not found by id - ${id}`);
    return id;
  });
}

/**
 * `customFieldData:[{field:{id},value}]`. `allowed` is what the object may carry (a task's
 * template fields, or all contact fields); anything else fails the whole call like Planfix does.
 */
export function customFieldData(v: unknown, allowed: Map<number, CustomFieldDef>): Map<number, CfValue | null> {
  const out = new Map<number, CfValue | null>();
  listOf(v, 'customFieldData').forEach((entry, i) => {
    if (!isObj(entry)) throw invalidParam(`customFieldData[${i}] must be an object`);
    const id = refId(entry.field, `customFieldData[${i}].field`);
    const def = allowed.get(id);
    if (!def) throw invalidParam(`customFieldData, custom field not found by id - ${id}`);
    out.set(id, fieldValue(def, entry.value));
  });
  return out;
}

function fieldValue(def: CustomFieldDef, v: unknown): CfValue | null {
  if (v === null || v === undefined) return null;
  const bad = () => invalidParam(`customFieldData, wrong value for custom field ${def.id} (${def.name})`);
  switch (def.type) {
    case 0: // Line
    case 2: // Text
    case 8: // List
      if (typeof v !== 'string') throw bad();
      return v;
    case 1:
      if (typeof v !== 'number') throw bad();
      return v;
    case 7:
      if (typeof v !== 'boolean') throw bad();
      return v;
    default:
      if (!isObj(v)) throw bad();
      return v;
  }
}

/** `{date:"dd-mm-yyyy", time:"hh:mm"}` or `"dd-mm-yyyy hh:mm[:ss]"`. */
export function dateTimeInput(v: unknown, offsetMin: number): number {
  let ms: number | null = null;
  if (typeof v === 'string') ms = parseDateTimeString(v, offsetMin)?.ms ?? null;
  else if (isObj(v) && typeof v.date === 'string' && (v.time === undefined || typeof v.time === 'string')) {
    ms = parseDateAndTime(v.date, v.time as string | undefined, offsetMin);
  }
  if (ms === null) throw invalidParam('dateTime must be {date:"dd-mm-yyyy",time:"hh:mm"} or "dd-mm-yyyy hh:mm"');
  return ms;
}

export function paging(body: Body): { offset: number; pageSize: number } {
  const offset = body.offset ?? 0;
  const pageSize = body.pageSize ?? 100;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw invalidParam('offset must be an integer >= 0');
  if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
    throw invalidParam('pageSize must be an integer from 1 to 100');
  }
  return { offset, pageSize };
}

/** `offset`/`pageSize` of a GET (query strings), with the same bounds. */
export function queryPaging(query: URLSearchParams): { offset: number; pageSize: number } {
  const num = (key: string) => {
    const v = query.get(key);
    if (v === null) return undefined;
    if (!/^\d+$/.test(v)) throw invalidParam(`${key} must be a whole number`);
    return Number(v);
  };
  return paging({ offset: num('offset'), pageSize: num('pageSize') });
}

/** Paths take `12` or `contact:12`. */
export function contactPathId(raw: string): number {
  const m = /^(?:contact:)?(\d+)$/.exec(decodeURIComponent(raw));
  if (!m) throw new PfError(400, 41, `Invalid parameter: contact id ${raw}`);
  return Number(m[1]);
}

function dedupe<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
