import type { Config } from '../config/types.js';
import type { Output } from './output.js';

export interface BackfillOptions {
  since: string;
  until?: string;
  dryRun?: boolean;
  json?: boolean;
}

export async function backfillCommand(_config: Config, _options: BackfillOptions, output: Output): Promise<number> {
  output.err('fbsync backfill: not built yet');
  return 1;
}
