// The validated configuration, with every default filled in (see behaviour.md § Configuration).
// Its type is the schema's output (src/config/schema.ts says what each key means), with the
// store path made absolute, the file it came from added, and the Pages in one list whichever
// form the file used (`facebook.pageId` or `facebook.pages`).

import type { ParsedConfig } from './schema.js';

/** One synced Page, with the task template its posts' tasks are made from. */
export interface PageConfig {
  pageId: string;
  /** The configured token, if any (a token `reconnect` stored wins). */
  pageAccessToken?: string;
  /** The Page's own, or planfix.taskTemplateId. */
  taskTemplateId: number;
  /** Where the Page is configured, for messages: `facebook.pageId` or `facebook.pages[1]`. */
  key: string;
}

export type Config = Omit<ParsedConfig, 'facebook'> & {
  facebook: Omit<ParsedConfig['facebook'], 'pageId' | 'pageAccessToken' | 'pages'>;
  /** Every Page, in the configuration's order; one for the single-Page form. */
  pages: PageConfig[];
  /** `--page ID` narrowed `pages` to this one of several. */
  onlyPage?: string;
  store: { /** Absolute path (resolved against the config file's folder). */ path: string };
  /** Absolute path of the file the configuration came from. */
  filepath: string;
};

/** The configuration key of a Page's token, for messages. */
export function tokenKey(page: PageConfig): string {
  return page.key === 'facebook.pageId' ? 'facebook.pageAccessToken' : `${page.key}.pageAccessToken`;
}

/** The configuration key of a Page's id, for messages. */
export function pageIdKey(page: PageConfig): string {
  return page.key === 'facebook.pageId' ? page.key : `${page.key}.pageId`;
}

/** The single-Page form (`facebook.pageId`), where the store's legacy token key belongs to the one Page. */
export function isSinglePageForm(config: Pick<Config, 'pages'>): boolean {
  return config.pages.length === 1 && config.pages[0]!.key === 'facebook.pageId';
}
