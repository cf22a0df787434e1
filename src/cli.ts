// The command line. Start-up time matters (cron starts fbsync every minute): this file loads
// only commander and a few small modules; each command's code — and with it got, zod, SQLite
// and, for `demo` only, the simulator — is imported when that command runs.

import fs from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Config } from './config/types.js';
import { ENV_VARS, checkEnvVars } from './config/env-vars.js';
import { EXIT, exitCodeOf } from './commands/exit-codes.js';
import { consoleOutput, lineFormatFor, type Output } from './commands/output.js';
import { failureResult } from './commands/result.js';
import { exitOnStopSignal } from './commands/signals.js';
import { FbsyncError } from './errors.js';
import { redact } from './http/secrets.js';

interface GlobalOptions {
  config?: string;
  debug?: boolean;
  json?: boolean;
  logFormat?: string;
  color?: boolean;
  /** `--page ID`: only this one of the configured Pages. */
  page?: string;
}

type Opts = GlobalOptions & Record<string, unknown>;

function describeFailure(error: unknown, output: Output): string {
  const code = exitCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === EXIT.internal) {
    const where = error instanceof Error ? (error.stack?.split('\n')[1]?.trim() ?? '') : '';
    return `fbsync: internal error (a bug, please report it): ${message}${where ? ` ${where}` : ''}${output.debug ? '' : ' (run with --debug for the stack)'}`;
  }
  if (error instanceof FbsyncError && error.code === 'CONFIG' && message.includes('\n')) return `fbsync: configuration error:\n${message}`;
  return `fbsync: ${message}`;
}

/** `--config PATH`, else FBSYNC_CONFIG, else the search in the current folder. */
async function config(opts: GlobalOptions): Promise<Config> {
  const { loadConfig, onlyPage } = await import('./config/load.js');
  const loaded = await loadConfig({ configPath: opts.config ?? (process.env.FBSYNC_CONFIG || undefined) });
  return opts.page === undefined ? loaded : onlyPage(loaded, opts.page);
}

const PAGE_OPTION = ['--page <id>', 'only this one of the configured Pages (facebook.pages, or facebook.pageId)'] as const;

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('a port number from 1 to 65535');
  return port;
}

/** From dist/cli.js (tsc) or dist/bundle/cli.js (the bin's bundle): fbsync's package.json is one or two folders up. */
function packageVersion(): string {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'fbsync') return pkg.version;
    } catch {
      // not here
    }
  }
  return 'unknown';
}

const examples = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`;

const EXIT_HELP = [
  'Exit codes:',
  '  0    done (also: a run that only waits out an earlier throttle)',
  '  1    internal error (a bug: the message says where)',
  '  2    bad usage, bad configuration (the message names the key) or an unusable store',
  '  3    Facebook or Planfix refused the credentials (the message says which, and what to run)',
  '  4    finished, but items failed, a side throttled this run (or a wait of over an hour) or could not be reached',
  '  75   another fbsync run holds the store lock; nothing was done',
  '  130  stopped by SIGINT (Ctrl-C), 143 by SIGTERM, after the writes in flight; the next run resumes',
].join('\n');

function topHelp(): string {
  const width = Math.max(...ENV_VARS.map((v) => v.name.length));
  return [
    '',
    'Configuration: --config PATH, else $FBSYNC_CONFIG, else the first of fbsync.yaml, fbsync.yml,',
    '  a "fbsync" key in package.json, .fbsyncrc[.json|.yaml|.yml], .config/fbsyncrc[…], fbsync.config.{yaml,yml,json}',
    '  in the current folder (never parent folders). `fbsync init` writes a commented fbsync.yaml.',
    '',
    'Environment:',
    ...ENV_VARS.map((v) => `  ${v.name.padEnd(width)}  ${v.meaning}`),
    '',
    EXIT_HELP,
    '',
    '--json prints one JSON object on stdout whatever happens: {ok, exitCode, error: {kind, side, message, fix} | null, …};',
    'the human lines then go to stderr. Dates and times are UTC.',
    examples('fbsync init && fbsync reconnect && fbsync doctor', '* * * * *  FBSYNC_CONFIG=/srv/fbsync/fbsync.yaml fbsync run >> /var/log/fbsync.log 2>&1', 'fbsync status'),
  ].join('\n');
}

/** What a command runs: its options parsed, an Output made; returns the exit code. */
type Action = (opts: Opts, output: Output) => Promise<number>;
/** Makes a commander action from an Action; `logs`: it prints log lines (--log-format). */
type Wrap = (fn: Action, logs?: boolean) => (this: Command) => Promise<void>;

/** Runs a command: the environment checked, errors turned into their exit code, one message and (--json) one JSON object. */
function commandRunner(setExit: (code: number) => void): Wrap {
  return (fn, logs = false) =>
    async function (this: Command) {
      const opts = this.optsWithGlobals() as Opts;
      if (opts.color === false) process.env.NO_COLOR = '1';
      const output = consoleOutput({ debug: opts.debug, json: Boolean(opts.json), lines: logs ? lineFormatFor(opts.logFormat) : 'plain' });
      try {
        checkEnvVars();
        setExit(await fn(opts, output));
      } catch (error) {
        output.err(describeFailure(error, output));
        // The stack as one block, without timestamps: a debugging aid, not a log line.
        if (opts.debug && error instanceof Error && error.stack) process.stderr.write(`${redact(error.stack)}\n`);
        if (output.jsonMode) output.json(failureResult(error));
        setExit(exitCodeOf(error));
      }
    };
}

function logFormatOption(): Option {
  return new Option('--log-format <format>', 'auto: an ISO timestamp before every line when stdout is not a terminal; plain; time; json: one {time, level, message} per line')
    .choices(['auto', 'plain', 'time', 'json'])
    .default('auto');
}

/** A command that reads the configuration, and so takes --page. */
function configCommand(program: Command, name: string, description: string): Command {
  return program.command(name).description(description).option(...PAGE_OPTION);
}

function addInit(program: Command, wrap: Wrap): void {
  program
    .command('init')
    .description('write a commented fbsync.yaml from questions (on a terminal) or flags; never overwrites a file')
    .option('--page-id <id>', 'the Facebook Page id')
    .option('--app-id <id>', 'the Facebook app id')
    .option('--planfix-url <url>', "the Planfix account's address, e.g. https://yourcompany.planfix.com")
    .option('--task-template <id>', 'the Planfix task template id')
    .option('--contact-template <id>', 'the Planfix contact template id')
    .option('--contact-field <id>', "the contacts' Line custom field for the Facebook id")
    .option('--task-field <id>', "the tasks' Line custom field for the post id")
    .addHelpText(
      'after',
      '\nWrites to --config PATH, else $FBSYNC_CONFIG, else ./fbsync.yaml. Values not given keep the example\'s,\nwhich doctor and run flag as "not filled in". Prints what to do next.' +
        examples('fbsync init', 'fbsync init --config /srv/fbsync/fbsync.yaml --page-id 104857600000001 --planfix-url https://acme.planfix.com'),
    )
    .action(
      wrap(async (opts, output) => {
        const { initCommand } = await import('./commands/init.js');
        const file = opts.config ?? (process.env.FBSYNC_CONFIG || 'fbsync.yaml');
        const s = (key: string) => opts[key] as string | undefined;
        return initCommand({ file, pageId: s('pageId'), appId: s('appId'), planfixUrl: s('planfixUrl'), taskTemplate: s('taskTemplate'), contactTemplate: s('contactTemplate'), contactField: s('contactField'), taskField: s('taskField') }, output);
      }),
    );
}

function addRun(program: Command, wrap: Wrap): void {
  configCommand(program, 'run', 'one cycle: Facebook → Planfix (new comments, edits), then Planfix → Facebook (replies)')
    .option('--json', 'print the summary as one JSON object (requests per side, effects per kind, failed items)')
    .option('--every <duration>', 'loop mode: a cycle every 20s / 5m / 1h until SIGTERM or Ctrl-C, holding the store lock throughout')
    .addOption(logFormatOption())
    .addHelpText(
      'after',
      '\nPrints nothing when nothing changed (also while it waits out an earlier throttle), else one summary line.\n' +
        'With --every, each cycle prints the same (--json: one object per cycle, one per line); a signal lets the cycle in\n' +
        'progress finish its writes, then exits 130 / 143.' +
        examples('fbsync run', 'fbsync run --json | jq .effects', 'fbsync run --every 20s   # loop mode, for systemd Type=simple or a container'),
    )
    .action(
      wrap(async (opts, output) => {
        const { parseEvery, runCommand } = await import('./commands/run.js');
        const everyMs = opts.every === undefined ? undefined : parseEvery(String(opts.every));
        return runCommand(await config(opts), { json: Boolean(opts.json), everyMs }, output);
      }, true),
    );
}

function addBackfill(program: Command, wrap: Wrap): void {
  configCommand(program, 'backfill', 'import older posts and their comments under the same rules; resumable, with progress')
    .requiredOption('--since <date>', 'oldest post creation date to import: YYYY-MM-DD, an ISO 8601 date-time, or 30d / 12w ago (UTC)')
    .option('--until <date>', 'newest post creation date to import, same forms (default: now)')
    .option('--dry-run', 'print what would be created and write nothing anywhere')
    .option('--json', 'print the summary as one JSON object')
    .addOption(logFormatOption())
    .addHelpText(
      'after',
      '\nPrints the range it reads (UTC), progress on stderr, then one summary line. Ctrl-C or SIGTERM stops after the\nwrites in flight; the same command resumes.' +
        examples('fbsync backfill --since 2026-01-01 --dry-run', 'fbsync backfill --since 2026-01-01 --until 2026-03-01', 'fbsync backfill --since 12w --json'),
    )
    .action(
      wrap(async (opts, output) => {
        // The dates first: a wrong one is named even before a configuration exists.
        const { parseDateRange } = await import('./commands/dates.js');
        const range = parseDateRange(String(opts.since), opts.until as string | undefined);
        const { backfillCommand } = await import('./commands/backfill.js');
        return backfillCommand(await config(opts), { since: String(opts.since), until: opts.until as string | undefined, range, dryRun: Boolean(opts.dryRun), json: Boolean(opts.json) }, output);
      }, true),
    );
}

function addReconnect(program: Command, wrap: Wrap): void {
  configCommand(program, 'reconnect', '(re)authorise with Facebook: OAuth login through a local callback, or a pasted token; stores the Page token')
    .option('--token <token>', "a user access token (e.g. from the Graph API Explorer); '-' reads it from stdin, which is safer: a command line shows in `ps`")
    .option('--port <port>', 'port of the local callback server on 127.0.0.1 (default: any free port)', parsePort)
    .option('--no-browser', 'only print the login URL, do not try to open a browser')
    .addHelpText(
      'after',
      [
        '',
        'Without --token, fbsync prints the Facebook login address (and opens a browser on a terminal), then waits',
        'for the login to come back to http://localhost:PORT/callback. An app in Live mode must list that exact',
        'address under "Valid OAuth Redirect URIs": use a fixed --port then.',
        'With --token - the token is read from stdin (on a terminal it is not echoed): `fbsync reconnect --token - < token.txt`.',
        'Prints the Page connected, the token expiry and the permissions; nothing is stored unless all is well.',
        '',
        'Environment:',
        '  FBSYNC_OAUTH_TIMEOUT_MS  how long to wait for the login (default 300000, 5 minutes)',
        '  FBSYNC_DIALOG_URL        base address of the login dialog (default https://www.facebook.com; for tests)',
      ].join('\n') + examples('fbsync reconnect', 'fbsync reconnect --port 8765 --no-browser', 'fbsync reconnect --token - < token.txt'),
    )
    .action(
      wrap(async (opts, output) => {
        const { reconnectCommand } = await import('./commands/reconnect.js');
        return reconnectCommand(await config(opts), { token: opts.token as string | undefined, port: opts.port as number | undefined, noBrowser: opts.browser === false }, output);
      }),
    );
}

function addDoctor(program: Command, wrap: Wrap): void {
  configCommand(program, 'doctor', 'check configuration, store, tokens, permissions, the Page and the Planfix templates; changes nothing')
    .option('--json', 'print the checklist as JSON: {ok, exitCode, error, checks: [{name, title, ok, status, detail, fix?}]}')
    .addHelpText(
      'after',
      '\nPrints one line per check (✓ passed, ! warning, ✗ failed, - skipped) with the fix for each problem.\n' +
        'Exit code: 0 all checks passed (warnings allowed); 3 a credential or permission check failed;\n2 the configuration or the store is wrong; 4 a check could not be done (network, rate limit).' +
        examples('fbsync doctor', 'fbsync doctor --json | jq \'.checks[] | select(.ok | not)\''),
    )
    .action(wrap(doctor));
}

/** The checklist reports a configuration that does not load as its first failed check. */
const doctor: Action = async (opts, output) => {
  const { doctorCommand, doctorConfigFailure } = await import('./commands/doctor.js');
  const { ConfigError } = await import('./errors.js');
  const json = Boolean(opts.json);
  let loaded: Config;
  try {
    loaded = await config(opts);
  } catch (error) {
    if (error instanceof ConfigError) return doctorConfigFailure(error, { json }, output);
    throw error;
  }
  return doctorCommand(loaded, { json }, output);
};

function addStatus(program: Command, wrap: Wrap): void {
  configCommand(program, 'status', 'what the store knows: last run, cursors, counts, items waiting for retry, throttle waits, token expiry')
    .option('--json', 'print it as one JSON object')
    .addHelpText('after', '\nReads the store only (no network, no writes). Times are UTC.' + examples('fbsync status', 'fbsync status --json | jq .waiting'))
    .action(
      wrap(async (opts, output) => {
        const { statusCommand } = await import('./commands/status.js');
        return statusCommand(await config(opts), { json: Boolean(opts.json) }, output);
      }),
    );
}

function addDemo(program: Command, wrap: Wrap): void {
  program
    .command('demo')
    .description('run a cycle against the built-in simulator (no accounts needed) and show the result')
    .option('--json', 'print the summaries of its runs as one JSON object')
    .addHelpText('after', examples('fbsync demo', 'fbsync demo --json'))
    .action(
      wrap(async (opts, output) => {
        const { demoCommand } = await import('./commands/demo.js');
        return demoCommand({ json: Boolean(opts.json) }, output);
      }),
    );
}

/** Each command's options, help and action, in the order `--help` lists them. */
const COMMANDS: readonly ((program: Command, wrap: Wrap) => void)[] = [addInit, addRun, addBackfill, addReconnect, addDoctor, addStatus, addDemo];

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('fbsync')
    .description('Answer Facebook Page commenters from Planfix: one sync cycle per run, made for cron.')
    .addOption(new Option('-c, --config <path>', 'configuration file (default: $FBSYNC_CONFIG, else fbsync.yaml or another cosmiconfig place in the current folder)'))
    .version(packageVersion(), '-V, --version')
    .option('--debug', 'print stack traces of errors')
    .option('--no-color', 'no colour, even on a terminal (NO_COLOR=1 does the same)')
    .addHelpText('after', topHelp)
    .showHelpAfterError()
    .exitOverride();

  const wrap = commandRunner(setExit);
  for (const add of COMMANDS) add(program, wrap);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => (exitCode = code));
  exitOnStopSignal((signal) => `fbsync: stopped by ${signal}; nothing was left half done`);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are not errors; anything else commander rejects is bad usage.
      if (error.exitCode === 0) return EXIT.ok;
      if (argv.includes('--json')) {
        process.stdout.write(`${JSON.stringify({ ok: false, exitCode: EXIT.usage, error: { kind: 'usage', side: null, message: error.message.replace(/^error: /, ''), fix: 'see `fbsync help <command>`' } }, null, 2)}\n`);
      }
      return EXIT.usage;
    }
    process.stderr.write(`${redact(String(error))}\n`);
    return EXIT.internal;
  }
  return exitCode;
}

main(process.argv).then(
  // Exit now: idle keep-alive sockets must not hold a cron run open. Pipes and files are written synchronously on Linux.
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`fbsync: ${redact(String(error))}\n`);
    process.exitCode = EXIT.internal;
  },
);
