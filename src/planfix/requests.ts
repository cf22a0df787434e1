// The bodies of Planfix's lookups and creates for rule 1 (a contact that carries the commenter's
// Facebook id, made from the configured contact template) and rule 2 (the post's tasks of the task
// template), and the exact match fbsync makes on what the filter returns. Plain data in and out:
// planfix-client.ts sends them (api-notes-planfix.md §2, §3).

import type { NewContact, NewTask, PfContact } from './types.js';

/** Planfix's maximum and default page (notes §1 "Paging"). */
export const PAGE = 100;
/** Filter types (notes §3): 51 task template, 101 task custom Line field, 79 last change or comment, 4101 contact custom Line field. */
export const FILTER_TEMPLATE = 51;
export const FILTER_TASK_LINE = 101;
export const FILTER_CHANGED = 79;
export const FILTER_CONTACT_LINE = 4101;
export const TASK_FIELDS = 'id,name,status,processId,isDeleted';

/** `POST /contact/list`: contacts whose Facebook-id field equals `facebookId`, with that field. */
export function contactSearch(fieldId: number, facebookId: string) {
  return {
    offset: 0,
    pageSize: PAGE,
    fields: `id,name,lastname,${fieldId}`,
    filters: [{ type: FILTER_CONTACT_LINE, field: fieldId, operator: 'equal', value: facebookId }],
  };
}

/**
 * The filter is Planfix's; the exact match is ours (case, spaces, "have"-like matching): of the
 * cards carrying exactly this id, the oldest (lowest id), so every run picks the same one.
 */
export function matchingContact(found: readonly { contact: PfContact; facebookId?: string }[], facebookId: string): PfContact | null {
  const matches = found
    .filter((c) => c.facebookId === facebookId)
    .map((c) => c.contact)
    .sort((a, b) => a.id - b.id);
  return matches[0] ?? null;
}

/** `POST /contact/`: a card of the contact template, with the name and the Facebook id (and the uploaded photo). */
export function contactCreation(templateId: number, fieldId: number, contact: NewContact, fileId?: number) {
  return {
    template: { id: templateId },
    name: contact.name,
    lastname: contact.lastname,
    customFieldData: [{ field: { id: fieldId }, value: contact.facebookId }],
    ...(fileId === undefined ? {} : { files: [{ id: fileId }] }),
  };
}

export function templateFilter(templateId: number) {
  return { type: FILTER_TEMPLATE, operator: 'equal', value: templateId };
}

/** `POST /task/list` filters: tasks of the template whose post-id field equals `postId`. */
export function postTaskFilters(templateId: number, fieldId: number, postId: string) {
  return [templateFilter(templateId), { type: FILTER_TASK_LINE, field: fieldId, operator: 'equal', value: postId }];
}

/** `POST /task/`: a task of the template carrying the post id; `counterparty` is `contact:N` or none. */
export function taskCreation(templateId: number, fieldId: number, task: NewTask, counterparty?: string) {
  return {
    template: { id: templateId },
    name: task.name,
    description: task.description,
    ...(counterparty === undefined ? {} : { counterparty: { id: counterparty } }),
    customFieldData: [{ field: { id: fieldId }, value: task.postId }],
  };
}

/**
 * `POST /task/{id}/comments/`. No recipients: a notified contact is e-mailed (notes §4). No
 * dateTime: the zone Planfix reads it in is unverified (notes §1); the text carries the Facebook time.
 */
export function commentCreation(description: string, owner?: string) {
  return { description, ...(owner === undefined ? {} : { owner: { id: owner } }) };
}

/** Whether a task the filter returned carries exactly this post id (the filter's match is Planfix's, the exact one ours). */
export function carriesPost(task: { postId?: string }, postId: string): boolean {
  return task.postId === postId;
}
