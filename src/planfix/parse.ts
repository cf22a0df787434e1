// Planfix answers → fbsync shapes. Checks only what fbsync reads, and names the first field that
// is wrong ("tasks[1].id is missing"); keys Planfix may leave out (name, owner, isDeleted…) get
// defaults, because the spec marks little as required (api-notes-planfix.md, open questions).

import type { HttpResponse } from '../http/client.js';
import { parseJson } from '../http/client.js';
import { MalformedResponseError } from '../http/errors.js';
import { redact } from '../http/secrets.js';
import { isoFromTimePoint } from './dates.js';
import type { PfComment, PfContact } from './types.js';

type Obj = Record<string, unknown>;

/** One answer being read: `where` is "POST /rest/task/list". */
export class AnswerReader {
  constructor(readonly where: string) {}

  malformed(path: string, problem: string): MalformedResponseError {
    return new MalformedResponseError('planfix', redact(`Planfix answer to ${this.where}: ${path} ${problem}`));
  }

  /** An empty 2xx body (the spec's updates) reads as `{}`: what a call needs from it is checked by the reader of that field. */
  body(response: HttpResponse): Obj {
    if (response.body.trim() === '') return {};
    const parsed = parseJson(response.body);
    if (!parsed || !isObj(parsed.value)) throw this.malformed('the body', 'is not a JSON object');
    return parsed.value;
  }

  obj(v: unknown, path: string): Obj {
    if (v === undefined || v === null) throw this.malformed(path, 'is missing');
    if (!isObj(v)) throw this.malformed(path, 'is not an object');
    return v;
  }

  optObj(v: unknown, path: string): Obj | undefined {
    return v === undefined || v === null ? undefined : this.obj(v, path);
  }

  array(v: unknown, path: string): unknown[] {
    if (v === undefined || v === null) throw this.malformed(path, 'is missing');
    if (!Array.isArray(v)) throw this.malformed(path, 'is not an array');
    return v;
  }

  /** Planfix ids are integers; a digit string is accepted too, unless too long to be read exactly. */
  id(v: unknown, path: string): number {
    if (v === undefined || v === null) throw this.malformed(path, 'is missing');
    if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
    if (typeof v === 'string' && /^\d+$/.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
    throw this.malformed(path, `is not an id (${JSON.stringify(v).slice(0, 40)})`);
  }

  optId(v: unknown, path: string): number | undefined {
    return v === undefined || v === null ? undefined : this.id(v, path);
  }

  optString(v: unknown, path: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    throw this.malformed(path, 'is not a string');
  }

  optBool(v: unknown, path: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    throw this.malformed(path, 'is not a boolean');
  }

  /** `customFieldData[].value` of one field, as text; undefined when absent or not a Line value. */
  customValue(entity: Obj, fieldId: number, path: string): string | undefined {
    if (entity.customFieldData === undefined || entity.customFieldData === null) return undefined;
    const list = this.array(entity.customFieldData, `${path}.customFieldData`);
    for (const [i, raw] of list.entries()) {
      const entry = this.obj(raw, `${path}.customFieldData[${i}]`);
      const field = this.obj(entry.field, `${path}.customFieldData[${i}].field`);
      if (this.id(field.id, `${path}.customFieldData[${i}].field.id`) !== fieldId) continue;
      const value = entry.value;
      return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
    }
    return undefined;
  }

  /** `{"result":"success","id":N}` of a create call. */
  createdId(body: Obj): number {
    return this.id(body.id, 'id');
  }

  /**
   * Fields Planfix did not change (notes §1). The spec's schema makes `failures` an array, its
   * examples a single object: both are read. `field` is '' when Planfix did not name one.
   */
  failures(body: Obj): { field: string; error: string }[] {
    if (body.failures === undefined || body.failures === null) return [];
    const list = Array.isArray(body.failures) ? body.failures : [this.obj(body.failures, 'failures')];
    return list.map((raw, i) => {
      const f = this.obj(raw, `failures[${i}]`);
      return { field: this.optString(f.field, `failures[${i}].field`) ?? '', error: this.optString(f.error, `failures[${i}].error`) ?? '' };
    });
  }

  contacts(body: Obj, fieldId: number): { contact: PfContact; facebookId?: string }[] {
    return this.array(body.contacts, 'contacts').map((raw, i) => {
      const path = `contacts[${i}]`;
      const c = this.obj(raw, path);
      const contact: PfContact = { id: this.id(c.id, `${path}.id`), name: this.optString(c.name, `${path}.name`) ?? '' };
      const lastname = this.optString(c.lastname, `${path}.lastname`);
      if (lastname !== undefined) contact.lastname = lastname;
      return { contact, facebookId: this.customValue(c, fieldId, path) };
    });
  }

  tasks(body: Obj, fieldId: number): RawTask[] {
    return this.array(body.tasks, 'tasks').map((raw, i) => this.rawTask(raw, `tasks[${i}]`, fieldId));
  }

  task(body: Obj, fieldId: number): RawTask {
    return this.rawTask(body.task, 'task', fieldId);
  }

  private rawTask(raw: unknown, path: string, fieldId: number): RawTask {
    const t = this.obj(raw, path);
    const status = this.optObj(t.status, `${path}.status`);
    return {
      path,
      id: this.id(t.id, `${path}.id`),
      name: this.optString(t.name, `${path}.name`) ?? '',
      status: status && {
        id: this.optId(status.id, `${path}.status.id`),
        isActive: this.optBool(status.isActive, `${path}.status.isActive`),
      },
      processId: this.optId(t.processId, `${path}.processId`),
      isDeleted: this.optBool(t.isDeleted, `${path}.isDeleted`) ?? false,
      postId: this.customValue(t, fieldId, path),
    };
  }

  /** Status id → active, from `/process/task/{id}/statuses`. */
  statuses(body: Obj): Map<number, boolean> {
    const out = new Map<number, boolean>();
    for (const [i, raw] of this.array(body.statuses, 'statuses').entries()) {
      const s = this.obj(raw, `statuses[${i}]`);
      const isActive = this.optBool(s.isActive, `statuses[${i}].isActive`);
      if (isActive === undefined) throw this.malformed(`statuses[${i}].isActive`, 'is missing');
      out.set(this.id(s.id, `statuses[${i}].id`), isActive);
    }
    return out;
  }

  comments(body: Obj, taskId: number): PfComment[] {
    return this.array(body.comments, 'comments').map((raw, i) => {
      const path = `comments[${i}]`;
      const c = this.obj(raw, path);
      const owner = this.optObj(c.owner, `${path}.owner`);
      const dateTime = this.optObj(c.dateTime, `${path}.dateTime`);
      const recipients = this.optObj(c.recipients, `${path}.recipients`);
      const users = recipients?.users === undefined || recipients.users === null ? [] : this.array(recipients.users, `${path}.recipients.users`);
      const comment: PfComment = {
        id: this.id(c.id, `${path}.id`),
        taskId,
        description: this.optString(c.description, `${path}.description`) ?? '',
        recipientIds: users.map((u, j) => {
          const id = this.optString(this.obj(u, `${path}.recipients.users[${j}]`).id, `${path}.recipients.users[${j}].id`);
          if (id === undefined) throw this.malformed(`${path}.recipients.users[${j}].id`, 'is missing');
          return id;
        }),
        isDeleted: this.optBool(c.isDeleted, `${path}.isDeleted`) ?? false,
        isHidden: this.optBool(c.isHidden, `${path}.isHidden`) ?? false,
      };
      if (owner) {
        const ownerId = this.optString(owner.id, `${path}.owner.id`);
        const ownerName = this.optString(owner.name, `${path}.owner.name`);
        if (ownerId !== undefined) comment.ownerId = ownerId;
        if (ownerName !== undefined) comment.ownerName = ownerName;
      }
      const iso = isoFromTimePoint(dateTime && this.optString(dateTime.datetime, `${path}.dateTime.datetime`));
      if (iso !== undefined) comment.dateTime = iso;
      const date = dateTime && this.optString(dateTime.date, `${path}.dateTime.date`);
      const time = dateTime && this.optString(dateTime.time, `${path}.dateTime.time`);
      if (date && time) comment.localTime = `${date} ${time}`;
      return comment;
    });
  }

  /** `{"templates":[{"id","name"}]}`. */
  templates(body: Obj): { id: number; name: string }[] {
    return this.array(body.templates, 'templates').map((raw, i) => {
      const t = this.obj(raw, `templates[${i}]`);
      return { id: this.id(t.id, `templates[${i}].id`), name: this.optString(t.name, `templates[${i}].name`) ?? '' };
    });
  }

  /** `{"customfields":[{"id","name","type"}]}`. */
  customFields(body: Obj): { id: number; name: string; type: number }[] {
    return this.array(body.customfields, 'customfields').map((raw, i) => {
      const f = this.obj(raw, `customfields[${i}]`);
      const type = f.type;
      if (typeof type !== 'number') throw this.malformed(`customfields[${i}].type`, type === undefined ? 'is missing' : 'is not a number');
      return { id: this.id(f.id, `customfields[${i}].id`), name: this.optString(f.name, `customfields[${i}].name`) ?? '', type };
    });
  }
}

/** A task as Planfix returned it, before `isActive` is worked out. */
export interface RawTask {
  /** Where it was in the answer (`tasks[3]`), for error messages. */
  path: string;
  id: number;
  name: string;
  status?: { id?: number; isActive?: boolean };
  processId?: number;
  isDeleted: boolean;
  postId?: string;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
