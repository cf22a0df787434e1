import type { Config } from '../config/types.js';
import type { Output } from './output.js';

export async function doctorCommand(_config: Config, _options: { json?: boolean }, output: Output): Promise<number> {
  output.err('fbsync doctor: not built yet');
  return 1;
}
