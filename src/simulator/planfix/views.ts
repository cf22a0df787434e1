// Response shapes. Planfix returns only the fields asked for in `fields` (plus id), so the sim
// does too: a client that forgets to ask for `status` must not get it for free.

import { invalidParam } from './errors.js';
import { toTimePoint } from './dates.js';
import type { CfValue, CommentRec, ContactRec, CustomFieldDef, PeopleSet, PersonId, StatusDef, TaskRec } from './model.js';
import type { PlanfixState } from './state.js';

export interface FieldSet {
  sys: Set<string>;
  custom: Set<number>;
  /** `customFieldData` in `fields` asks for every custom field of the object. */
  allCustom: boolean;
}

export function parseFields(v: unknown): FieldSet {
  const out: FieldSet = { sys: new Set(['id']), custom: new Set(), allCustom: false };
  if (v === undefined || v === null) return out;
  if (typeof v !== 'string') throw invalidParam('fields must be a comma-separated string');
  for (const part of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (/^\d+$/.test(part)) out.custom.add(Number(part));
    else if (part === 'customFieldData') out.allCustom = true;
    else out.sys.add(part);
  }
  return out;
}

type Json = Record<string, unknown>;

const person = (state: PlanfixState, id: PersonId) => ({ id, name: state.personName(id) });

function people(state: PlanfixState, set: PeopleSet) {
  return {
    users: set.users.map((u) => person(state, u)),
    groups: set.groups.map((g) => ({ id: g, name: state.groups.get(g)?.name ?? `Group ${g}` })),
  };
}

function customData(defs: CustomFieldDef[], values: Map<number, CfValue>, f: FieldSet) {
  return defs
    .filter((d) => f.allCustom || f.custom.has(d.id))
    .map((d) => ({
      field: { id: d.id, name: d.name, type: d.type },
      // Unset Line fields read back as an empty string rather than disappearing.
      value: values.get(d.id) ?? (d.type === 0 || d.type === 2 ? '' : null),
    }));
}

export function contactView(state: PlanfixState, c: ContactRec, f: FieldSet): Json {
  const out: Json = { id: c.id };
  for (const key of f.sys) {
    switch (key) {
      case 'name':
      case 'lastname':
      case 'midname':
      case 'email':
      case 'description':
      case 'facebook':
        out[key] = c[key] ?? '';
        break;
      case 'phones':
        out.phones = c.phones;
        break;
      case 'template': {
        const t = state.contactTemplates.get(c.templateId);
        out.template = { id: c.templateId, name: t?.name ?? '' };
        break;
      }
      case 'files':
        out.files = c.files.map((id) => ({ id, name: state.files.get(id)?.name ?? '' }));
        break;
      case 'isCompany':
        out.isCompany = false;
        break;
      case 'isDeleted':
        out.isDeleted = false;
        break;
    }
  }
  const cf = customData([...state.contactFields.values()], c.custom, f);
  if (cf.length > 0) out.customFieldData = cf;
  return out;
}

export function statusView(s: StatusDef, f?: FieldSet): Json {
  const full: Json = { id: s.id, name: s.name, color: s.color, isActive: s.isActive, hasDeadline: false, isAppliedIndividually: false };
  if (!f) return full;
  return Object.fromEntries(Object.entries(full).filter(([k]) => k === 'id' || f.sys.has(k)));
}

export function taskView(state: PlanfixState, t: TaskRec, f: FieldSet): Json {
  const out: Json = { id: t.id };
  for (const key of f.sys) {
    switch (key) {
      case 'name':
      case 'description':
      case 'processId':
        out[key] = t[key];
        break;
      case 'isDeleted':
        out.isDeleted = t.deleted;
        break;
      case 'status':
        out.status = statusView(state.statusOf(t));
        break;
      case 'template':
        out.template =
          t.templateId === undefined ? { id: 0, name: '' } : { id: t.templateId, name: state.taskTemplates.get(t.templateId)?.name ?? '' };
        break;
      case 'counterparty':
        if (t.counterparty) out.counterparty = person(state, t.counterparty);
        break;
      case 'assigner':
        if (t.assigner) out.assigner = person(state, t.assigner);
        break;
      case 'assignees':
      case 'participants':
      case 'auditors':
        out[key] = people(state, t[key]);
        break;
    }
  }
  const defs = state.taskFieldIds(t.templateId).map((id) => state.taskFields.get(id)!).filter(Boolean);
  const cf = customData(defs, t.custom, f);
  if (cf.length > 0) out.customFieldData = cf;
  return out;
}

export function commentView(state: PlanfixState, c: CommentRec, f: FieldSet): Json {
  const out: Json = { id: c.id };
  const off = state.config.timeZoneOffsetMin;
  for (const key of f.sys) {
    switch (key) {
      case 'dateTime':
        out.dateTime = toTimePoint(c.dateTime, off);
        break;
      case 'type':
        out.type = 'Comment';
        break;
      case 'fromType':
        // REST-written comments carry no channel; UI ones are Planfix's own.
        out.fromType = c.origin === 'api' ? 'None' : 'Planfix';
        break;
      case 'description':
        out.description = c.description;
        break;
      case 'task':
        out.task = { id: c.taskId };
        break;
      case 'owner':
        out.owner = { id: c.ownerId, name: c.ownerName ?? state.personName(c.ownerId) };
        break;
      case 'isDeleted':
      case 'isHidden':
      case 'isPinned':
        out[key] = c[key];
        break;
      case 'isNotRead':
        out.isNotRead = isNotRead(state, c);
        break;
      case 'recipients':
        out.recipients = people(state, c.recipients);
        break;
      case 'files':
        out.files = c.files.map((id) => ({ id, name: state.files.get(id)?.name ?? '' }));
        break;
      case 'sourceId':
      case 'sourceObjectId':
      case 'sourceDataVersion':
        if (c[key] !== undefined) out[key] = c[key];
        break;
    }
  }
  return out;
}

/** Reading over REST never marks anything read here, so "new" = not written by the token's user. */
export function isNotRead(state: PlanfixState, c: CommentRec): boolean {
  return c.ownerId !== state.robot;
}
