// Public entry of the Facebook Graph simulator: the FacebookSim state object and a helper that
// serves it on 127.0.0.1 with an ephemeral port.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FacebookSim, type FacebookSimOptions } from './sim.js';

export { FacebookSim } from './sim.js';
export type { FacebookSimOptions, SimComment, SimPost, FaultKind, FaultOptions, ThrottleCode, RequestLogEntry, GrantInput, Author } from './sim.js';
export type { NewComment, NewPost } from './state.js';
export { FAULT_KINDS } from './faults.js';
export { FBSYNC_SCOPES } from './tokens.js';

export interface RunningFacebookSim {
  sim: FacebookSim;
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

export async function startFacebookSim(opts?: FacebookSimOptions): Promise<RunningFacebookSim> {
  const sim = new FacebookSim(opts);
  const server = createServer(sim.handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    sim,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        sim.cancelPending();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
