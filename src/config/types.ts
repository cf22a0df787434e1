// The validated configuration, with every default filled in (see behaviour.md § Configuration).

export interface Config {
  facebook: {
    pageId: string;
    appId: string;
    appSecret: string;
    /** Optional once `fbsync reconnect` has stored a Page token in the store. */
    pageAccessToken?: string;
    /** e.g. "v24.0" */
    apiVersion: string;
    /** No trailing slash, e.g. "https://graph.facebook.com" or "http://127.0.0.1:4010". */
    graphUrl: string;
  };
  planfix: {
    /** Account address without trailing slash; the REST API is under {url}/rest/. */
    url: string;
    token: string;
    taskTemplateId: number;
    contactTemplateId: number;
    fields: {
      contactFacebookId: number;
      taskPostId: number;
    };
    requestsPerSecond: number;
    /** The plan's requests a day; with sync.runShare it bounds what `run` spends (unset: no bound of its own). */
    dailyBudget?: number;
  };
  store: {
    /** Absolute path (resolved against the config file's folder). */
    path: string;
  };
  sync: {
    lookbackDays: number;
    concurrency: number;
    maxRunSeconds: number;
    /** Stop a run after this many effects (0 = no limit). */
    maxEffects: number;
    /**
     * true: a comment on a post whose task was completed or cancelled opens a new task (rule 2).
     * false: it goes to the post's last task whatever its status (a deleted one still means a new task).
     */
    reopenClosedTasks: boolean;
    /** Every post of the window is listed again at least this often (0 = the whole window every run). */
    fullCheckMinutes: number;
    /** Full re-reads for edits, hides, deletions: per post younger than a day (older: 4× slower; 0 = as often as the cap allows). */
    editCheckMinutes: number;
    /** Optional reads per run: the rotation's paced pages first, then edit re-reads. */
    editChecksPerCycle: number;
    /** Share of planfix.dailyBudget `run` may spend (1 = all). */
    runShare: number;
  };
  /** Absolute path of the file the configuration came from. */
  filepath: string;
}
