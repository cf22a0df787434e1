// The values config.example.yaml ships with. Against the real services they can only mean "not
// filled in yet" — but the simulator uses the same ids on 127.0.0.1, so the Facebook ids count as
// placeholders only next to the real Graph address, and the Planfix ids only next to the
// example's Planfix address.

import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import type { Config } from './types.js';

export const EXAMPLE = {
  pageId: '104857600000000',
  appId: '1234567890',
  planfixUrl: 'https://example.planfix.com',
  taskTemplateId: 12,
  contactTemplateId: 3,
  contactFacebookId: 101,
  taskPostId: 202,
} as const;

const REAL_GRAPH = 'https://graph.facebook.com';

/** The real path of the example file shipped with fbsync (for "copy it" hints). */
export const EXAMPLE_CONFIG_PATH = fileURLToPath(new URL('../../config.example.yaml', import.meta.url));

/** Keys still holding the example's value, each with what it holds. */
export function placeholders(config: Config): { key: string; value: string }[] {
  const found: { key: string; value: string }[] = [];
  const add = (key: string, value: string | number) => found.push({ key, value: String(value) });
  if (config.facebook.graphUrl === REAL_GRAPH) {
    for (const page of config.pages) if (page.pageId === EXAMPLE.pageId) add(page.key === 'facebook.pageId' ? page.key : `${page.key}.pageId`, EXAMPLE.pageId);
    if (config.facebook.appId === EXAMPLE.appId) add('facebook.appId', EXAMPLE.appId);
  }
  if (config.planfix.url === EXAMPLE.planfixUrl) {
    add('planfix.url', EXAMPLE.planfixUrl);
    if (config.planfix.taskTemplateId === EXAMPLE.taskTemplateId) add('planfix.taskTemplateId', EXAMPLE.taskTemplateId);
    if (config.planfix.contactTemplateId === EXAMPLE.contactTemplateId) add('planfix.contactTemplateId', EXAMPLE.contactTemplateId);
    if (config.planfix.fields.contactFacebookId === EXAMPLE.contactFacebookId) add('planfix.fields.contactFacebookId', EXAMPLE.contactFacebookId);
    if (config.planfix.fields.taskPostId === EXAMPLE.taskPostId) add('planfix.fields.taskPostId', EXAMPLE.taskPostId);
  }
  return found;
}

/** "facebook.pageId (still the example's 104857600000000), …" */
export function describePlaceholders(list: { key: string; value: string }[]): string {
  return list.map((p) => `${p.key} (still the example's ${p.value})`).join(', ');
}

/** `run` and `backfill` refuse a configuration that is not filled in (exit 2): it could only fail later, less clearly. */
export function refusePlaceholders(config: Config): void {
  const list = placeholders(config);
  if (list.length === 0) return;
  throw new ConfigError(`${config.filepath}: not filled in: ${describePlaceholders(list)}; put your own values there (\`fbsync doctor\` checks them)`, list[0]!.key);
}
