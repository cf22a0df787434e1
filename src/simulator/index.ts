import { type FacebookSim, type FacebookSimOptions, startFacebookSim } from './facebook/index.js';
import { type PlanfixSim, type PlanfixSimOptions, startPlanfixSim } from './planfix/index.js';

export type { FacebookSim } from './facebook/index.js';
export type { PlanfixSim } from './planfix/index.js';

/** Both fakes, each on its own 127.0.0.1 port, as `fbsync demo` and the end-to-end tests use them. */
export interface Simulator {
  facebook: FacebookSim;
  planfix: PlanfixSim;
  graphUrl: string;
  planfixUrl: string;
  /** A complete fbsync configuration (YAML) pointing at this simulator. */
  configYaml(options: { storePath: string; requestsPerSecond?: number; extra?: string; withPageToken?: boolean; pages?: SimPageConfig[] }): string;
  close(): Promise<void>;
}

/** One entry of `facebook.pages` in configYaml (in place of `facebook.pageId`): the Page's token is written unless `withToken: false`. */
export interface SimPageConfig {
  pageId: string;
  taskTemplateId?: number;
  withToken?: boolean;
}

export const SIM_IDS = {
  pageId: '104857600000000',
  appId: '1234567890',
  appSecret: 'sim-app-secret-0f3b9c',
  taskTemplateId: 12,
  contactTemplateId: 3,
  contactFacebookIdField: 101,
  taskPostIdField: 202,
} as const;

export async function startSimulator(options: { facebook?: FacebookSimOptions; planfix?: PlanfixSimOptions } = {}): Promise<Simulator> {
  const fb = await startFacebookSim({ pageId: SIM_IDS.pageId, appId: SIM_IDS.appId, appSecret: SIM_IDS.appSecret, ...options.facebook });
  const pf = await startPlanfixSim({
    taskTemplateId: SIM_IDS.taskTemplateId,
    contactTemplateId: SIM_IDS.contactTemplateId,
    contactFacebookIdField: SIM_IDS.contactFacebookIdField,
    taskPostIdField: SIM_IDS.taskPostIdField,
    ...options.planfix,
  });
  return {
    facebook: fb.sim,
    planfix: pf.sim,
    graphUrl: fb.url,
    planfixUrl: pf.url,
    configYaml: ({ storePath, requestsPerSecond = 50, extra = '', withPageToken = true, pages }) =>
      [
        'facebook:',
        ...(pages
          ? [
              '  pages:',
              ...pages.flatMap((p) => [
                `    - pageId: "${p.pageId}"`,
                p.withToken === false ? '' : `      pageAccessToken: "${fb.sim.pageTokenOf(p.pageId)}"`,
                p.taskTemplateId === undefined ? '' : `      taskTemplateId: ${p.taskTemplateId}`,
              ]),
            ]
          : [`  pageId: "${SIM_IDS.pageId}"`, withPageToken ? `  pageAccessToken: "${fb.sim.pageToken}"` : '']),
        `  appId: "${SIM_IDS.appId}"`,
        `  appSecret: "${SIM_IDS.appSecret}"`,
        `  graphUrl: ${fb.url}`,
        'planfix:',
        `  url: ${pf.url}`,
        `  token: "${pf.sim.token}"`,
        `  taskTemplateId: ${SIM_IDS.taskTemplateId}`,
        `  contactTemplateId: ${SIM_IDS.contactTemplateId}`,
        '  fields:',
        `    contactFacebookId: ${SIM_IDS.contactFacebookIdField}`,
        `    taskPostId: ${SIM_IDS.taskPostIdField}`,
        `  requestsPerSecond: ${requestsPerSecond}`,
        'store:',
        `  path: ${JSON.stringify(storePath)}`,
        extra,
      ]
        .filter((l) => l !== '')
        .join('\n') + '\n',
    close: async () => {
      await Promise.all([fb.close(), pf.close()]);
    },
  };
}
