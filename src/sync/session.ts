import type { Config } from '../config/types.js';
import { GraphClient } from '../facebook/graph-client.js';
import type { PageSizeMemory } from '../facebook/types.js';
import { httpTuningFromEnv } from '../http/client.js';
import { AuthError } from '../http/errors.js';
import { registerSecret } from '../http/secrets.js';
import { PlanfixClient } from '../planfix/planfix-client.js';
import { StoreLock } from '../store/lock.js';
import { Store } from '../store/store.js';
import { META } from '../store/meta-keys.js';

export interface Session {
  config: Config;
  store: Store;
  fb: GraphClient;
  pf: PlanfixClient;
  /** New clients on the same store and lock (loop mode: what a client remembers for a run lasts one cycle). */
  renewClients(): void;
  close(): void;
}

/** The Page token: the one `reconnect` stored (newest), else the configured one. */
export function pageToken(config: Config, store: Store): string {
  const stored = store.getMeta(META.pageToken);
  const token = stored ?? config.facebook.pageAccessToken;
  if (!token) {
    throw new AuthError('facebook', 'No Facebook Page access token yet: run `fbsync reconnect` (or set facebook.pageAccessToken).');
  }
  registerSecret(token);
  return token;
}

export function makePlanfixClient(config: Config): PlanfixClient {
  return new PlanfixClient({
    url: config.planfix.url,
    token: config.planfix.token,
    taskTemplateId: config.planfix.taskTemplateId,
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

export function makeGraphClient(config: Config, accessToken: string, pageSizes?: PageSizeMemory): GraphClient {
  return new GraphClient({
    graphUrl: config.facebook.graphUrl,
    apiVersion: config.facebook.apiVersion,
    pageId: config.facebook.pageId,
    appId: config.facebook.appId,
    appSecret: config.facebook.appSecret,
    accessToken,
    concurrency: config.sync.concurrency,
    pageSizes,
    ...httpTuningFromEnv(),
  });
}

/** Lock (one run per store), open the store, build both clients. The caller must close(). */
export function openSession(config: Config, options: { lock?: boolean } = {}): Session {
  const lock = options.lock === false ? undefined : StoreLock.acquire(config.store.path);
  let store: Store | undefined;
  try {
    const opened = Store.open(config.store.path);
    store = opened;
    const clients = () => ({ fb: makeGraphClient(config, pageToken(config, opened), storePageSizes(opened)), pf: makePlanfixClient(config) });
    const session: Session = {
      config,
      store: opened,
      ...clients(),
      renewClients: () => {
        session.fb.close();
        session.pf.close();
        Object.assign(session, clients());
      },
      close: () => {
        session.fb.close();
        session.pf.close();
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
