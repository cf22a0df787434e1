import fs from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from './config/load.js';
import type { Config } from './config/types.js';
import { EXIT, exitCodeOf } from './commands/exit-codes.js';
import { consoleOutput, type Output } from './commands/output.js';
import { runCommand } from './commands/run.js';
import { demoCommand } from './commands/demo.js';
import { statusCommand } from './commands/status.js';
import { backfillCommand } from './commands/backfill.js';
import { doctorCommand, doctorConfigFailure } from './commands/doctor.js';
import { reconnectCommand } from './commands/reconnect.js';
import { ConfigError, FbsyncError } from './http/errors.js';
import { redact } from './http/secrets.js';

interface GlobalOptions {
  config?: string;
  debug?: boolean;
}

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

async function withConfig(options: GlobalOptions, action: (config: Config, output: Output) => Promise<number>): Promise<number> {
  const output = consoleOutput(options.debug);
  const config = await loadConfig({ configPath: options.config });
  return action(config, output);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('a port number from 1 to 65535');
  return port;
}

function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('fbsync')
    .description('Answer Facebook Page commenters from Planfix: one sync cycle per run, made for cron.')
    .addOption(new Option('-c, --config <path>', 'configuration file (default: fbsync.yaml or another cosmiconfig place in the current folder)'))
    .version(packageVersion(), '-V, --version')
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError()
    .exitOverride();

  const globals = (cmd: Command) => cmd.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
  const wrap = (fn: (opts: GlobalOptions & Record<string, unknown>, cmd: Command) => Promise<number>) =>
    async function (this: Command) {
      const opts = globals(this);
      const output = consoleOutput(opts.debug);
      try {
        setExit(await fn(opts, this));
      } catch (error) {
        output.err(describeFailure(error, output));
        if (opts.debug && error instanceof Error && error.stack) output.err(error.stack);
        setExit(exitCodeOf(error));
      }
    };

  program
    .command('run')
    .description('one cycle: Facebook → Planfix (new comments, edits), then Planfix → Facebook (replies)')
    .option('--json', 'print a machine-readable summary')
    .action(wrap((opts) => withConfig(opts, (config, output) => runCommand(config, { json: Boolean(opts.json) }, output))));

  program
    .command('backfill')
    .description('import older posts and their comments under the same rules; resumable, with progress')
    .requiredOption('--since <date>', 'oldest post creation date to import (YYYY-MM-DD or ISO time)')
    .option('--until <date>', 'newest post creation date to import (default: now)')
    .option('--dry-run', 'print what would be created and write nothing anywhere')
    .option('--json', 'print the summary as JSON')
    .action(
      wrap((opts) =>
        withConfig(opts, (config, output) =>
          backfillCommand(config, { since: String(opts.since), until: opts.until as string | undefined, dryRun: Boolean(opts.dryRun), json: Boolean(opts.json) }, output),
        ),
      ),
    );

  program
    .command('reconnect')
    .description('(re)authorise with Facebook: OAuth login through a local callback, or a pasted token; stores the Page token')
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
        'With --token - the token is read from stdin: `fbsync reconnect --token - < token.txt`, or paste it.',
        '',
        'Environment:',
        '  FBSYNC_OAUTH_TIMEOUT_MS  how long to wait for the login (default 300000, 5 minutes)',
        '  FBSYNC_DIALOG_URL        base address of the login dialog (default https://www.facebook.com; for tests)',
      ].join('\n'),
    )
    .action(
      wrap((opts) =>
        withConfig(opts, (config, output) =>
          reconnectCommand(config, { token: opts.token as string | undefined, port: opts.port as number | undefined, noBrowser: opts.browser === false }, output),
        ),
      ),
    );

  program
    .command('doctor')
    .description('check configuration, store, tokens, permissions, the Page and the Planfix templates; changes nothing')
    .option('--json', 'print the checklist as JSON: {ok, exitCode, checks: [{name, title, ok, status, detail, fix?}]}')
    .addHelpText('after', '\nExit code: 0 all checks passed (warnings allowed); 3 a credential or permission check failed;\n2 the configuration or the store is wrong; 4 a check could not be done (network, rate limit).')
    .action(
      wrap(async (opts) => {
        const output = consoleOutput(opts.debug);
        const json = Boolean(opts.json);
        let config: Config;
        try {
          config = await loadConfig({ configPath: opts.config });
        } catch (error) {
          // The checklist reports a configuration that does not load as its first failed check.
          if (error instanceof ConfigError) return doctorConfigFailure(error, { json }, output);
          throw error;
        }
        return doctorCommand(config, { json }, output);
      }),
    );

  program
    .command('status')
    .description('what the store knows: last run, cursors, counts, items waiting for retry, token expiry')
    .option('--json', 'print it as JSON')
    .action(wrap((opts) => withConfig(opts, (config, output) => statusCommand(config, { json: Boolean(opts.json) }, output))));

  program
    .command('demo')
    .description('run a cycle against the built-in simulator (no accounts needed) and show the result')
    .option('--json', 'print the run summary as JSON too')
    .action(wrap(async (opts) => demoCommand({ json: Boolean(opts.json) }, consoleOutput(opts.debug))));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are not errors; anything else commander rejects is bad usage.
      return error.exitCode === 0 ? 0 : EXIT.usage;
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
