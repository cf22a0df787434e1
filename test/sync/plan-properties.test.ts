import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FbComment, FbPost } from '../../src/facebook/types.js';
import type { CommentRow, PostRow } from '../../src/store/store.js';
import { commentHash } from '../../src/sync/format.js';
import { mayStopPaging, needsSync, planPost, planRead, postRowAfterRead } from '../../src/sync/inbound-plan.js';
import { chooseTarget } from '../../src/sync/reply-rules.js';
import { importedRow } from './rows.js';

// "Nothing lost, nothing twice" (behaviour.md § Guarantees) for the planners: random sequences of
// Facebook events and sync rounds drive inbound-plan.ts against a small model of the store and of
// what Planfix receives. Each remote effect of a round is committed to the model's rows the way
// inbound.ts / changes.ts / timeline.ts commit it; a crash between an effect's intent and its
// commit leaves the rows as they were, and the plan is recomputed from them.

const PAGE = 'page';
const TEXTS = ['hello', 'hello!', 'price?'];
const iso = (minute: number) => new Date(Date.UTC(2026, 0, 1) + minute * 60_000).toISOString();

type Event =
  | { t: 'comment'; person: number; text: number }
  | { t: 'reply'; parent: number; person: number; text: number }
  | { t: 'pageAnswer'; parent: number }
  | { t: 'ourReply'; parent: number }
  | { t: 'edit'; pick: number; text: number }
  | { t: 'delete'; pick: number }
  | { t: 'toggleHide'; pick: number }
  | { t: 'seenAgain' }
  | { t: 'closeTask' }
  | { t: 'sync'; rescan: boolean; crashAt: number | null; pageSize: number; ignoresOrder: boolean };

const pick = fc.nat({ max: 20 });
const event: fc.Arbitrary<Event> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('comment' as const), person: fc.nat({ max: 2 }), text: fc.nat({ max: 2 }) }), weight: 4 },
  { arbitrary: fc.record({ t: fc.constant('reply' as const), parent: pick, person: fc.nat({ max: 2 }), text: fc.nat({ max: 2 }) }), weight: 3 },
  fc.record({ t: fc.constant('pageAnswer' as const), parent: pick }),
  fc.record({ t: fc.constant('ourReply' as const), parent: pick }),
  { arbitrary: fc.record({ t: fc.constant('edit' as const), pick, text: fc.nat({ max: 2 }) }), weight: 2 },
  fc.record({ t: fc.constant('delete' as const), pick }),
  { arbitrary: fc.record({ t: fc.constant('toggleHide' as const), pick }), weight: 2 },
  fc.record({ t: fc.constant('seenAgain' as const) }),
  fc.record({ t: fc.constant('closeTask' as const) }),
  {
    arbitrary: fc.record({ t: fc.constant('sync' as const), rescan: fc.boolean(), crashAt: fc.option(fc.nat({ max: 6 }), { nil: null }), pageSize: fc.integer({ min: 1, max: 4 }), ignoresOrder: fc.boolean() }),
    weight: 5,
  },
);

type Done = { kind: 'import' | 'edit' | 'deleted' | 'hidden' | 'unhidden'; id: string; hash?: string };

const CRASH = new Error('crash between intent and commit');

/** Facebook (one post), the store's rows, and the effects Planfix received, in order. */
class World {
  readonly live = new Map<string, FbComment>();
  readonly ever: string[] = [];
  readonly ourReplies = new Set<string>();
  readonly rows = new Map<string, CommentRow>();
  postRow: PostRow | undefined;
  readonly done: Done[] = [];
  /** Whether each comment was hidden when it was imported. */
  private readonly importedHidden = new Map<string, boolean>();
  taskOpen = false;
  private clock = 1;
  private updated = 0;

  post(): FbPost {
    return { id: 'p', message: 'Post', createdTime: iso(0), updatedTime: iso(this.updated), commentCount: this.live.size };
  }

  apply(e: Event): void {
    const chosen = (n: number) => [...this.live.values()][n % Math.max(1, this.live.size)];
    const add = (c: Omit<FbComment, 'id' | 'postId' | 'createdTime' | 'isHidden'>) => {
      const id = `c${this.ever.length}`;
      this.ever.push(id);
      this.live.set(id, { ...c, id, postId: 'p', createdTime: iso(this.clock), isHidden: false });
      this.updated = this.clock++;
      return id;
    };
    const topOf = (n: number) => {
      const parent = chosen(n);
      return parent && (parent.parentId ?? parent.id);
    };
    switch (e.t) {
      case 'comment':
        add({ from: { id: `u${e.person}`, name: `U${e.person}` }, message: TEXTS[e.text]! });
        break;
      case 'reply': {
        const parentId = topOf(e.parent);
        add({ from: { id: `u${e.person}`, name: `U${e.person}` }, message: TEXTS[e.text]!, ...(parentId ? { parentId } : {}) });
        break;
      }
      case 'pageAnswer': {
        const parentId = topOf(e.parent);
        add({ from: { id: PAGE, name: 'Page' }, message: 'answer', ...(parentId ? { parentId } : {}) });
        break;
      }
      case 'ourReply': {
        const parentId = topOf(e.parent);
        if (parentId) this.ourReplies.add(add({ from: { id: PAGE, name: 'Page' }, message: 'reply from Planfix', parentId }));
        break;
      }
      case 'edit': {
        const c = chosen(e.pick);
        if (c && !this.ourReplies.has(c.id)) this.live.set(c.id, { ...c, message: TEXTS[e.text]! });
        break;
      }
      case 'delete': {
        const c = chosen(e.pick);
        if (c) this.live.delete(c.id);
        break;
      }
      case 'toggleHide': {
        const c = chosen(e.pick);
        if (c) this.live.set(c.id, { ...c, isHidden: !c.isHidden });
        break;
      }
      case 'seenAgain':
        // The same comments listed again, nothing changed: a round like any other.
        this.round(false, null, 2);
        break;
      case 'closeTask':
        this.taskOpen = false;
        break;
      case 'sync':
        this.syncWithRetry(e.rescan, e.crashAt, e.pageSize, e.ignoresOrder);
        break;
    }
  }

  /** A crashed round is planned again at once from the same rows: the interrupted effect is done then, and nothing done before it again. */
  syncWithRetry(rescan: boolean, crashAt: number | null, pageSize: number, ignoresOrder = false): void {
    const before = this.done.length;
    const crashed = this.round(rescan, crashAt, pageSize, ignoresOrder);
    if (!crashed) return;
    const committed = this.done.slice(before);
    const retryFrom = this.done.length;
    expect(this.round(rescan, null, pageSize, ignoresOrder)).toBeUndefined();
    const retried = this.done.slice(retryFrom);
    expect(retried).toContainEqual(crashed);
    for (const effect of committed) expect(retried).not.toContainEqual(effect);
  }

  /**
   * One read of the post, planned and carried out. `ignoresOrder`: Graph lists oldest first
   * whatever was asked. Returns the effect a crash interrupted.
   */
  round(rescan: boolean, crashAt: number | null, pageSize: number, ignoresOrder = false): Done | undefined {
    const post = this.post();
    const stored = this.postRow;
    if (!rescan && !needsSync(post, stored)) return undefined;
    const ours = (ids: string[]) => new Set(ids.filter((id) => this.ourReplies.has(id)));
    const before = this.sortedRows();
    const read = planRead(post, stored, before, ours(before.map((r) => r.id)), rescan);
    const known = new Set(before.map((r) => r.id));
    const listed = [...this.live.values()].sort((a, b) => b.createdTime.localeCompare(a.createdTime) || b.id.localeCompare(a.id));
    if (ignoresOrder) listed.reverse();
    const comments: FbComment[] = [];
    for (let i = 0; i < listed.length; i += pageSize) {
      const page = listed.slice(i, i + pageSize);
      comments.push(...page);
      if (mayStopPaging(read, page, known)) break;
    }
    const rows = this.sortedRows();
    const plan = planPost({ post, stored, read, rows, comments, pageId: PAGE, ourReplies: ours(comments.map((c) => c.id)) });

    let effects = 0;
    let interrupted: Done | undefined;
    const remote = (effect: Done, commit: () => void) => {
      if (effects++ === crashAt) {
        interrupted = effect;
        throw CRASH;
      }
      this.check(effect);
      this.done.push(effect);
      commit();
    };
    const importRow = (c: FbComment, byPage: boolean) =>
      remote({ kind: 'import', id: c.id }, () => {
        this.importedHidden.set(c.id, c.isHidden);
        this.rows.set(c.id, importedRow(c, { planfixCommentId: this.done.length, byPage }));
      });
    const skip = (c: FbComment) =>
      this.rows.set(c.id, { ...rowBase(c), messageHash: '', state: 'skipped', taskId: null, planfixCommentId: null, byPage: true });

    try {
      for (const change of plan.changes) {
        const { row } = change;
        if (change.kind === 'markEdited') remote({ kind: 'edit', id: row.id, hash: change.hash }, () => this.rows.set(row.id, { ...row, messageHash: change.hash, state: 'edited' }));
        else if (change.kind === 'markDeleted') remote({ kind: 'deleted', id: row.id }, () => this.rows.set(row.id, { ...row, state: 'deleted' }));
        else {
          const current = this.rows.get(row.id)!;
          const hidden = change.kind === 'markHidden';
          remote({ kind: hidden ? 'hidden' : 'unhidden', id: row.id }, () => this.rows.set(row.id, { ...current, isHidden: hidden }));
        }
      }
      for (const id of plan.waitingGone) expect(this.live.has(id), `waiting answer ${id} is really gone`).toBe(false);
      for (const id of plan.waitingGone) this.rows.set(id, { ...this.rows.get(id)!, state: 'deleted' });
      const answers: FbComment[] = [];
      const flush = () => {
        while (answers.length > 0) {
          importRow(answers[0]!, true);
          answers.shift();
        }
      };
      for (const { kind, comment } of plan.steps) {
        if (kind === 'waitingAnswer') answers.push(comment);
        else if (kind === 'echo') skip(comment);
        else if (kind === 'pageAnswer') {
          if (this.taskOpen) {
            flush();
            importRow(comment, true);
          } else {
            skip(comment);
            answers.push(comment);
          }
        } else {
          // A person's comment opens a task when the post has none that takes comments (rule 2).
          this.taskOpen = true;
          flush();
          importRow(comment, false);
        }
      }
      this.postRow = postRowAfterRead(post, stored, read.full, iso(this.clock));
      // A read that finishes has every person's comment in Planfix, incremental or not.
      for (const c of this.live.values()) if (c.from?.id !== PAGE) expect(this.rows.get(c.id)?.planfixCommentId ?? null, `${c.id} imported`).not.toBeNull();
    } catch (error) {
      if (error !== CRASH) throw error;
    }
    return interrupted;
  }

  /** The guarantees, asked of every effect before Planfix gets it. */
  private check(effect: Done): void {
    const earlier = this.done.filter((d) => d.id === effect.id);
    const last = earlier.filter((d) => d.kind === 'import' || d.kind === 'edit').at(-1);
    switch (effect.kind) {
      case 'import':
        expect(earlier, `${effect.id} imported once`).toEqual([]);
        expect(this.ourReplies.has(effect.id), 'fbsync’s own reply is never imported').toBe(false);
        break;
      case 'edit':
        expect(last, 'an edited comment was imported').toBeDefined();
        // Once per distinct text: the text it had in Planfix differs from the new one.
        expect(this.hashInPlanfix(effect.id)).not.toBe(effect.hash);
        break;
      case 'deleted':
        expect(earlier.some((d) => d.kind === 'deleted'), `${effect.id} marked deleted once`).toBe(false);
        break;
      case 'hidden':
      case 'unhidden': {
        const notes = earlier.filter((d) => d.kind === 'hidden' || d.kind === 'unhidden');
        const wasHidden = notes.length > 0 ? notes.at(-1)!.kind === 'hidden' : this.importedHidden.get(effect.id);
        expect(wasHidden, `${effect.id}: hide and unhide alternate`).toBe(effect.kind === 'unhidden');
        break;
      }
    }
  }

  private hashInPlanfix(id: string): string | undefined {
    return this.rows.get(id)?.messageHash;
  }

  sortedRows(): CommentRow[] {
    return [...this.rows.values()].sort((a, b) => a.createdTime.localeCompare(b.createdTime) || a.id.localeCompare(b.id));
  }
}

function rowBase(c: FbComment) {
  return { id: c.id, postId: 'p', parentId: c.parentId ?? null, authorId: c.from?.id ?? null, authorName: c.from?.name ?? null, createdTime: c.createdTime, isHidden: c.isHidden };
}

const sync = (pageSize: number): Event => ({ t: 'sync', rescan: false, crashAt: null, pageSize, ignoresOrder: false });
/** Admin answers that wait for a task, the oldest behind a whole page of known ones when a person finally writes. */
const WAITING_ANSWERS_BEHIND_KNOWN_PAGES: Event[] = [
  { t: 'pageAnswer', parent: 0 },
  sync(2),
  { t: 'pageAnswer', parent: 0 },
  { t: 'pageAnswer', parent: 0 },
  { t: 'pageAnswer', parent: 0 },
  sync(2),
  { t: 'comment', person: 0, text: 0 },
  sync(2),
];

describe('rules 3 and 5 under random events and crashes: each comment once, each change once', () => {
  it('rule 3/5: whatever happens, a full re-read converges: every person comment in Planfix once, with its last text, visibility and deletion, and a second re-read does nothing', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 30 }), (events) => {
        const world = new World();
        for (const e of events) world.apply(e);
        world.syncWithRetry(true, null, 3);
        const settled = world.done.length;
        world.syncWithRetry(true, null, 3);
        expect(world.done.slice(settled), 'nothing left to do').toEqual([]);

        const imports = world.done.filter((d) => d.kind === 'import').map((d) => d.id);
        for (const c of world.live.values()) {
          if (c.from?.id === PAGE) continue;
          expect(imports.filter((id) => id === c.id), `${c.id} imported exactly once`).toHaveLength(1);
          const row = world.rows.get(c.id)!;
          expect(row.messageHash).toBe(commentHash(c));
          expect(row.isHidden).toBe(c.isHidden);
        }
        // An admin's answer is in Planfix once, or still waits for a task; fbsync's replies never are.
        for (const c of world.live.values()) {
          if (c.from?.id !== PAGE) continue;
          const row = world.rows.get(c.id)!;
          const imported = imports.filter((id) => id === c.id).length;
          if (world.ourReplies.has(c.id)) expect([row.state, imported]).toEqual(['skipped', 0]);
          else expect(imported === 1 || (imported === 0 && row.state === 'skipped')).toBe(true);
        }
        for (const row of world.rows.values()) if (row.planfixCommentId !== null && !world.live.has(row.id)) expect(row.state).toBe('deleted');
        // Thread replies after their parent.
        for (const id of imports) {
          const parentId = world.rows.get(id)!.parentId;
          if (parentId && imports.includes(parentId)) expect(imports.indexOf(parentId)).toBeLessThan(imports.indexOf(id));
        }
      }),
      { numRuns: 150, examples: [[WAITING_ANSWERS_BEHIND_KNOWN_PAGES]] },
    );
  });
});

describe('rule 4, one answer one reply: the chosen comment does not move', () => {
  type Spec = { state: CommentRow['state']; thread: boolean };
  const spec = fc.record({ state: fc.constantFrom<CommentRow['state']>('imported', 'edited', 'hidden', 'deleted', 'skipped'), thread: fc.boolean() });
  const rows = (specs: Spec[], prefix: string, firstMinute: number, firstPfId: number): CommentRow[] =>
    specs.map((s, i) => ({
      id: `${prefix}${i}`,
      postId: 'p',
      parentId: s.thread ? 'top' : null,
      authorId: 'anna',
      authorName: 'Anna',
      createdTime: iso(firstMinute + i),
      messageHash: '',
      isHidden: s.state === 'hidden',
      state: s.state,
      taskId: 1,
      planfixCommentId: s.state === 'skipped' ? null : firstPfId + i,
      byPage: s.state === 'skipped',
    }));

  it('rule 4: whatever the person writes after the answer, the target chosen from the comments that existed then stays', () => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 8 }), fc.array(spec, { maxLength: 8 }), (earlier, later) => {
        const before = rows(earlier, 'b', 1, 1);
        const answerId = earlier.length + 1;
        const target = chooseTarget(before, answerId);
        fc.pre(target !== undefined);
        const after = rows(later, 'a', 100, answerId + 1);
        for (let n = 0; n <= after.length; n++) {
          expect(chooseTarget([...after.slice(0, n), ...before], answerId)).toEqual(target);
          expect(chooseTarget([...before, ...after.slice(0, n)].reverse(), answerId)).toEqual(target);
        }
      }),
      { numRuns: 200 },
    );
  });
});
