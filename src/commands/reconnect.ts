import type { Config } from '../config/types.js';
import type { Output } from './output.js';

export interface ReconnectOptions {
  /** A short-lived user token pasted from the Graph API Explorer; '-' reads it from stdin. */
  token?: string;
  /** Port of the local OAuth callback server (0 = any free port). */
  port?: number;
  /** Do not try to open a browser. */
  noBrowser?: boolean;
}

export async function reconnectCommand(_config: Config, _options: ReconnectOptions, output: Output): Promise<number> {
  output.err('fbsync reconnect: not built yet');
  return 1;
}
