import { redact } from '../http/secrets.js';

/** Every byte fbsync prints goes through here, and through redact(). */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  json(value: unknown): void;
  readonly debug: boolean;
}

export function consoleOutput(debug = false): Output {
  return {
    debug,
    out: (line) => process.stdout.write(`${redact(line)}\n`),
    err: (line) => process.stderr.write(`${redact(line)}\n`),
    json: (value) => process.stdout.write(`${redact(JSON.stringify(value, null, 2))}\n`),
  };
}
