import type { Simulator } from '../../src/simulator/index.js';
import { carriesMarker, commentMarker } from '../../src/sync/markers.js';

/** What "nothing lost, nothing twice" means, checked on the simulator's state after the runs. */
export function checkExactlyOnce(sim: Simulator): { lost: string[]; duplicated: string[] } {
  const lost: string[] = [];
  const duplicated: string[] = [];
  const pageId = sim.facebook.pageId;
  const planfixComments = sim.planfix.comments();
  const markerCount = (id: string) => planfixComments.filter((c) => carriesMarker(c.description, commentMarker(id))).length;

  for (const comment of sim.facebook.comments()) {
    if (comment.from?.id === pageId) continue;
    const n = markerCount(comment.id);
    if (n === 0) lost.push(`comment ${comment.id}`);
    if (n > 1) duplicated.push(`comment ${comment.id} ×${n}`);
  }
  const byFbId = new Map<string, number>();
  for (const contact of sim.planfix.contacts()) {
    const fbId = String(contact.facebookId ?? "");
    byFbId.set(fbId, (byFbId.get(fbId) ?? 0) + 1);
  }
  for (const [fbId, n] of byFbId) if (n > 1) duplicated.push(`contact ${fbId} ×${n}`);
  const activeByPost = new Map<string, number>();
  for (const task of sim.planfix.tasks()) {
    if (task.isActive && !task.isDeleted && task.postId) activeByPost.set(task.postId, (activeByPost.get(task.postId) ?? 0) + 1);
  }
  for (const [postId, n] of activeByPost) if (n > 1) duplicated.push(`active task of ${postId} ×${n}`);
  return { lost, duplicated };
}

/**
 * Every employee answer stands on Facebook once per person it notified, in one of that person's
 * threads under the task's post; never twice in one thread, never more often than people notified.
 */
export function checkRepliesOnce(sim: Simulator): { lost: string[]; duplicated: string[] } {
  const lost: string[] = [];
  const duplicated: string[] = [];
  const pageReplies = sim.facebook.comments().filter((c) => c.byPage);
  const tasks = new Map(sim.planfix.tasks().map((t) => [t.id, t]));
  const facebookIdOf = new Map(sim.planfix.contacts().map((c) => [`contact:${c.id}`, c.facebookId]));
  for (const answer of sim.planfix.comments().filter((c) => c.origin === 'ui' && c.recipients.some((r) => r.startsWith('contact:')))) {
    const text = answer.description.replace(/<[^>]+>/g, '');
    const postId = tasks.get(answer.taskId)?.postId;
    const published = pageReplies.filter((r) => r.message === text);
    const notified = answer.recipients.filter((r) => r.startsWith('contact:'));
    for (const contact of notified) {
      const mine = sim.facebook.comments(postId).filter((c) => !c.byPage && c.from?.id === facebookIdOf.get(contact));
      const threads = new Set(mine.map((c) => c.parentId ?? c.id));
      if (mine.length > 0 && !published.some((r) => threads.has(r.parentId!))) {
        const firstImport = sim.planfix.comments(answer.taskId).find((c) => c.origin === 'api')?.id;
        lost.push(`reply "${text}" to ${contact} (answer ${answer.id} in task ${answer.taskId}, whose first imported comment is ${firstImport})`);
      }
    }
    const perThread = new Map<string, number>();
    for (const r of published) perThread.set(r.parentId!, (perThread.get(r.parentId!) ?? 0) + 1);
    for (const [thread, n] of perThread) if (n > 1) duplicated.push(`reply "${text}" ×${n} under ${thread}`);
    if (published.length > notified.length) duplicated.push(`reply "${text}" ×${published.length} for ${notified.length} people`);
  }
  return { lost, duplicated };
}

/** Planfix writes the simulator has seen so far (list calls are reads). */
export function planfixWrites(sim: Simulator): number {
  return sim.planfix.requestLog.filter((r) => r.method === 'POST' && !r.path.endsWith('/list')).length;
}
