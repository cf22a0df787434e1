import { redact } from '../http/secrets.js';

/** Every byte fbsync prints goes through here, and through redact(). */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** The one JSON object of `--json`: printed once; later calls are ignored. */
  json(value: unknown): void;
  /** Loop mode's `--json`: one compact object per line (JSON Lines), as many as there are cycles. */
  jsonLine(value: unknown): void;
  /** True once json() has printed. */
  readonly jsonPrinted: boolean;
  readonly debug: boolean;
  /** `--json`: stdout carries only the JSON object, every human line goes to stderr. */
  readonly jsonMode: boolean;
}

/**
 * How log lines look: `plain` as written; `time` with an ISO timestamp in front of every line
 * (what cron logs need: `>> fbsync.log` shows when each line was written); `json` one JSON
 * object per line, `{time, level, message}`.
 */
export type LineFormat = 'plain' | 'time' | 'json';

export interface OutputOptions {
  debug?: boolean;
  json?: boolean;
  lines?: LineFormat;
}

export function formatLines(text: string, level: 'info' | 'warn', format: LineFormat, now = new Date()): string {
  if (format === 'plain') return `${text}\n`;
  const time = now.toISOString();
  // One message of several lines (a configuration error lists each problem) stays one record in JSON.
  if (format === 'json') return `${JSON.stringify({ time, level, message: text })}\n`;
  return text
    .split('\n')
    .map((line) => `${time} ${line}\n`)
    .join('');
}

export function consoleOutput(options: OutputOptions = {}): Output {
  const lines = options.lines ?? 'plain';
  const jsonMode = Boolean(options.json);
  let printed = false;
  let jsonLines = false;
  return {
    debug: Boolean(options.debug),
    jsonMode,
    get jsonPrinted() {
      return printed;
    },
    out: (line) => (jsonMode ? process.stderr : process.stdout).write(formatLines(redact(line), 'info', lines)),
    err: (line) => process.stderr.write(formatLines(redact(line), 'warn', lines)),
    json: (value) => {
      if (printed) return;
      printed = true;
      // After JSON Lines (loop mode), the closing object (an error that ended the loop) is one line too.
      process.stdout.write(`${redact(JSON.stringify(value, null, jsonLines ? undefined : 2))}\n`);
    },
    jsonLine: (value) => {
      jsonLines = true;
      process.stdout.write(`${redact(JSON.stringify(value))}\n`);
    },
  };
}

/** `--log-format auto` (the default): timestamps when stdout is not a terminal (cron, a log file). */
export function lineFormatFor(logFormat: string | undefined, stdoutIsTTY = Boolean(process.stdout.isTTY)): LineFormat {
  if (logFormat === 'json' || logFormat === 'plain' || logFormat === 'time') return logFormat;
  return stdoutIsTTY ? 'plain' : 'time';
}
