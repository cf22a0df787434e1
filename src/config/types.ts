// The validated configuration, with every default filled in (see behaviour.md § Configuration).
// Its type is the schema's output (src/config/schema.ts says what each key means), with the
// store path made absolute and the file it came from added.

import type { ParsedConfig } from './schema.js';

export type Config = ParsedConfig & {
  store: { /** Absolute path (resolved against the config file's folder). */ path: string };
  /** Absolute path of the file the configuration came from. */
  filepath: string;
};
