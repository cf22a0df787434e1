import type { Simulator } from '../../src/simulator/index.js';

/** What "nothing lost, nothing twice" means, checked on the simulator's state after the runs. */
export function checkExactlyOnce(sim: Simulator): { lost: string[]; duplicated: string[] } {
  const lost: string[] = [];
  const duplicated: string[] = [];
  const pageId = sim.facebook.pageId;
  const planfixComments = sim.planfix.comments();
  const markerCount = (id: string) =>
    planfixComments.filter((c) => {
      const at = c.description.indexOf(`fb:${id}`);
      return at >= 0 && !/[0-9_:]/.test(c.description.charAt(at + `fb:${id}`.length));
    }).length;

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

/** Every employee answer that notifies a commenter appears on Facebook exactly once per person notified. */
export function checkRepliesOnce(sim: Simulator): { lost: string[]; duplicated: string[] } {
  const lost: string[] = [];
  const duplicated: string[] = [];
  const pageReplies = sim.facebook.comments().filter((c) => c.byPage);
  for (const answer of sim.planfix.comments().filter((c) => c.origin === 'ui' && c.recipients.some((r) => r.startsWith('contact:')))) {
    const text = answer.description.replace(/<[^>]+>/g, '');
    const n = pageReplies.filter((r) => r.message === text).length;
    const expected = answer.recipients.filter((r) => r.startsWith('contact:')).length;
    if (n < expected) lost.push(`reply "${text}" ×${n}/${expected}`);
    if (n > expected) duplicated.push(`reply "${text}" ×${n}/${expected}`);
  }
  return { lost, duplicated };
}

/** Planfix writes the simulator has seen so far (list calls are reads). */
export function planfixWrites(sim: Simulator): number {
  return sim.planfix.requestLog.filter((r) => r.method === 'POST' && !r.path.endsWith('/list')).length;
}
