// People and small helpers the e2e files share. Each test starts a fresh simulator (useE2E), so
// the same ids can serve every file; names are what the Planfix cards end up showing.

import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { CliResult, E2E } from './harness.js';

export interface Person {
  id: string;
  name: string;
}

export const ann: Person = { id: '9000000001', name: 'Ann Lee' };
export const bob: Person = { id: '9000000002', name: 'Bob Stone' };
export const carl: Person = { id: '9000000003', name: 'Carl Berg' };
export const dan: Person = { id: '9000000004', name: 'Dan Moss' };

/** `n` commenters named `Person<i> <surname>` with ids `<prefix><i>`, for backlogs. */
export function crowd(n: number, surname: string, prefix: string): Person[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, name: `Person${i} ${surname}` }));
}

export const DAY = 86_400_000;
export const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

/** The non-empty lines of a command's output. */
export const lines = (text: string) => text.split('\n').filter(Boolean);

/** The Page's own comments on Facebook (what fbsync published), optionally only those saying `text`. */
export const pageReplies = (e2e: E2E, text?: string) => e2e.sim.facebook.comments().filter((c) => c.byPage && (text === undefined || c.message === text));

/** The Planfix contact fbsync made for a Facebook person. */
export const contactOf = (e2e: E2E, person: { id: string }) => e2e.sim.planfix.contacts().find((c) => c.facebookId === person.id)!;

/** `fbsync run --json`, expected to exit 0 (stderr shown when it does not). */
export async function runOk(e2e: E2E, extraArgs: string[] = []): Promise<CliResult & { summary?: any }> {
  const run = await e2e.run(extraArgs);
  expect(run.code, run.stderr).toBe(0);
  return run;
}

/** Polls `what` every 20 ms; throws after `ms`. For a CLI running in the background. */
export async function waitFor(what: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!what()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * `posts` posts with `perPost` comments each, commenter `(p + c) % people.length` writing comment c
 * of post p. With `daysAgo`, post p was created `daysAgo + p` days ago and its comments follow a
 * minute apart; without it everything is created now.
 */
export function backlog(e2e: E2E, posts: number, perPost: number, { people, label, daysAgo }: { people: Person[]; label: string; daysAgo?: number }): void {
  for (let p = 0; p < posts; p++) {
    const created = daysAgo === undefined ? undefined : new Date(Date.now() - (daysAgo + p) * DAY);
    const post = e2e.sim.facebook.addPost({ message: `${label} post ${p}`, ...(created && { createdTime: created }) });
    for (let c = 0; c < perPost; c++) {
      e2e.sim.facebook.addComment(post.id, {
        from: people[(p + c) % people.length]!,
        message: `${label} ${p}.${c}`,
        ...(created && { createdTime: new Date(created.getTime() + (c + 1) * 60_000) }),
      });
    }
  }
}

/** Every check `fbsync doctor` makes, in its order. */
export const DOCTOR_CHECKS = [
  'config',
  'store',
  'store.permissions',
  'facebook.pageToken',
  'facebook.token',
  'facebook.permissions',
  'facebook.page',
  'planfix.token',
  'planfix.taskTemplate',
  'planfix.contactTemplate',
  'planfix.fields.taskPostId',
  'planfix.fields.contactFacebookId',
] as const;

/**
 * Runs `fn` on the store file opened directly, and closes it: for the tests that move the store's
 * clock (a throttle wait, a postponed reply) or damage it. Meta keys come from META (src/store/meta-keys.ts).
 */
export function withStore<T>(storePath: string, fn: (db: Database.Database) => T, { readonly = false } = {}): T {
  const db = new Database(storePath, { readonly });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
