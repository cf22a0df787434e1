import type { Config, PageConfig } from '../config/types.js';
import { isSinglePageForm, tokenKey } from '../config/types.js';
import { GraphClient } from '../facebook/graph-client.js';
import type { PageSizeMemory } from '../facebook/types.js';
import { httpTuningFromEnv } from '../http/client.js';
import { AuthError } from '../http/errors.js';
import { registerSecret } from '../http/secrets.js';
import { PlanfixClient } from '../planfix/planfix-client.js';
import { StoreLock } from '../store/lock.js';
import { Store } from '../store/store.js';
import { META } from '../store/meta-keys.js';

/** One configured Page's clients: its Graph client (none when it has no token), the Planfix client of its task template. */
export interface PageSession {
  page: PageConfig;
  fb?: GraphClient;
  pf: PlanfixClient;
  /** Why the Page has no Graph client (no token anywhere): reported, the other Pages go on. */
  error?: AuthError;
}

export interface Session {
  config: Config;
  store: Store;
  /** The first Page's clients (the single-Page form's only ones); `pf` also makes the reply scan and the contacts. */
  fb: GraphClient;
  pf: PlanfixClient;
  /** Every configured Page (run's `--page` may have narrowed the configuration to one). */
  pages: PageSession[];
  /** Requests made so far by all the clients, per side. */
  requestCounts(): { facebook: number; planfix: number };
  /** New clients on the same store and lock (loop mode: what a client remembers for a run lasts one cycle). */
  renewClients(): void;
  close(): void;
}

/** Where `reconnect` keeps a Page's token and its facts: the single-Page form keeps the keys it always had. */
export function tokenMetaKeys(config: Pick<Config, 'pages'>, pageId: string): { token: string; info: string } {
  return isSinglePageForm(config) ? { token: META.pageToken, info: META.tokenInfo } : { token: META.pageTokenOf(pageId), info: META.tokenInfoOf(pageId) };
}

/** A Page's token and where it came from: the one `reconnect` stored (newest), else the configured one. */
export function pageTokenSource(config: Config, store: Store, page: PageConfig = config.pages[0]!): { token?: string; source: 'store' | 'config' | 'none' } {
  const stored = store.getMeta(tokenMetaKeys(config, page.pageId).token);
  if (stored) return { token: stored, source: 'store' };
  return page.pageAccessToken ? { token: page.pageAccessToken, source: 'config' } : { source: 'none' };
}

/** The Page token: the one `reconnect` stored (newest), else the configured one. */
export function pageToken(config: Config, store: Store, page: PageConfig = config.pages[0]!): string {
  const { token } = pageTokenSource(config, store, page);
  if (!token) {
    const which = config.pages.length > 1 ? ` for Page ${page.pageId}` : '';
    throw new AuthError('facebook', `No Facebook Page access token${which} yet: run \`fbsync reconnect\` (or set ${tokenKey(page)}).`);
  }
  registerSecret(token);
  return token;
}

export function makePlanfixClient(config: Config, taskTemplateId = config.planfix.taskTemplateId): PlanfixClient {
  return new PlanfixClient({
    url: config.planfix.url,
    token: config.planfix.token,
    taskTemplateId,
    contactTemplateId: config.planfix.contactTemplateId,
    fields: config.planfix.fields,
    requestsPerSecond: config.planfix.requestsPerSecond,
    concurrency: config.sync.concurrency,
    ...httpTuningFromEnv(),
  });
}

/** The Graph client's page-size memory, kept in the store's meta table. */
export function storePageSizes(store: Store): PageSizeMemory {
  return {
    get: (edge) => {
      const value = store.getMeta(META.graphPageSize(edge));
      return value === undefined ? undefined : Number(value);
    },
    set: (edge, size) => store.setMeta(META.graphPageSize(edge), String(size)),
  };
}

export function makeGraphClient(config: Config, accessToken: string, pageSizes?: PageSizeMemory, pageId = config.pages[0]!.pageId): GraphClient {
  return new GraphClient({
    graphUrl: config.facebook.graphUrl,
    apiVersion: config.facebook.apiVersion,
    pageId,
    appId: config.facebook.appId,
    appSecret: config.facebook.appSecret,
    accessToken,
    concurrency: config.sync.concurrency,
    pageSizes,
    ...httpTuningFromEnv(),
  });
}

/**
 * Every Page's clients. Pages of one task template share a Planfix client; Pages are synced one
 * after another, so the account sees one client at a time and its pace (requestsPerSecond) holds.
 * The single-Page form without a token fails as it always did (exit 3); with several Pages, a Page
 * without one is reported by the cycle and the others go on — unless none has one.
 */
function makeClients(config: Config, store: Store): Pick<Session, 'fb' | 'pf' | 'pages'> {
  const planfix = new Map<number, PlanfixClient>();
  const pfFor = (template: number) => {
    let pf = planfix.get(template);
    if (!pf) planfix.set(template, (pf = makePlanfixClient(config, template)));
    return pf;
  };
  const pf = pfFor(config.pages[0]!.taskTemplateId);
  const pages: PageSession[] = config.pages.map((page) => {
    try {
      return { page, pf: pfFor(page.taskTemplateId), fb: makeGraphClient(config, pageToken(config, store, page), storePageSizes(store), page.pageId) };
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      return { page, pf: pfFor(page.taskTemplateId), error };
    }
  });
  const first = pages.find((p) => p.fb);
  if (!first) {
    for (const p of planfix.values()) p.close();
    throw pages[0]!.error!;
  }
  return { fb: first.fb!, pf, pages };
}

function closeClients(session: Pick<Session, 'pf' | 'pages'>): void {
  for (const p of session.pages) p.fb?.close();
  for (const pf of new Set([session.pf, ...session.pages.map((p) => p.pf)])) pf.close();
}

/** Lock (one run per store), open the store, build the clients. The caller must close(). */
export function openSession(config: Config, options: { lock?: boolean } = {}): Session {
  const lock = options.lock === false ? undefined : StoreLock.acquire(config.store.path);
  let store: Store | undefined;
  try {
    const opened = Store.open(config.store.path);
    store = opened;
    const session: Session = {
      config,
      store: opened,
      ...makeClients(config, opened),
      requestCounts: () => {
        const pfs = new Set([session.pf, ...session.pages.map((p) => p.pf)]);
        return {
          facebook: session.pages.reduce((sum, p) => sum + (p.fb?.requestCount ?? 0), 0),
          planfix: [...pfs].reduce((sum, pf) => sum + pf.requestCount, 0),
        };
      },
      renewClients: () => {
        closeClients(session);
        Object.assign(session, makeClients(config, opened));
      },
      close: () => {
        closeClients(session);
        opened.close();
        lock?.release();
      },
    };
    return session;
  } catch (error) {
    store?.close();
    lock?.release();
    throw error;
  }
}
