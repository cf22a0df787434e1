// `fbsync init`: writes a commented fbsync.yaml — config.example.yaml with the operator's values
// in place of the example's — from flags, or from questions on a terminal. Never overwrites a
// file. Values not given stay the example's, which `doctor` and `run` flag as "not filled in".

import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { EXAMPLE, EXAMPLE_CONFIG_PATH } from '../config/placeholders.js';
import { normaliseUrl } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';
import { signalExitCode } from './signals.js';

export interface InitOptions {
  /** Where to write: --config, else FBSYNC_CONFIG, else ./fbsync.yaml. */
  file: string;
  pageId?: string;
  appId?: string;
  planfixUrl?: string;
  taskTemplate?: string;
  contactTemplate?: string;
  contactField?: string;
  taskField?: string;
}

interface Question {
  option: keyof Omit<InitOptions, 'file'>;
  flag: string;
  ask: string;
  example: string;
  /** The value as it goes into the YAML, or an error. */
  check(value: string): string | { error: string };
  /** The line of config.example.yaml that holds it. */
  line: RegExp;
  write(value: string): string;
}

const digits = (what: string) => (v: string) => (/^\d+$/.test(v) ? v : { error: `${what} is a string of digits` });
const positive = (what: string) => (v: string) => (/^[1-9]\d*$/.test(v) ? v : { error: `${what} is a positive whole number` });

const QUESTIONS: Question[] = [
  { option: 'pageId', flag: '--page-id', ask: 'Facebook Page id (About → Page transparency)', example: EXAMPLE.pageId, check: digits('a Page id'), line: /^( {2}pageId: ).*$/m, write: (v) => `"${v}"` },
  { option: 'appId', flag: '--app-id', ask: 'Facebook app id (developers.facebook.com → My Apps)', example: EXAMPLE.appId, check: digits('an app id'), line: /^( {2}appId: ).*$/m, write: (v) => `"${v}"` },
  {
    option: 'planfixUrl',
    flag: '--planfix-url',
    ask: "Planfix account's address",
    example: EXAMPLE.planfixUrl,
    check: (v) => normaliseUrl(v, 'planfix'),
    line: /^( {2}url: ).*$/m,
    write: (v) => v,
  },
  { option: 'taskTemplate', flag: '--task-template', ask: 'Planfix task template id', example: String(EXAMPLE.taskTemplateId), check: positive('a template id'), line: /^( {2}taskTemplateId: ).*$/m, write: (v) => v },
  { option: 'contactTemplate', flag: '--contact-template', ask: 'Planfix contact template id', example: String(EXAMPLE.contactTemplateId), check: positive('a template id'), line: /^( {2}contactTemplateId: ).*$/m, write: (v) => v },
  { option: 'contactField', flag: '--contact-field', ask: "id of the contacts' Line field for the Facebook id", example: String(EXAMPLE.contactFacebookId), check: positive('a field id'), line: /^( {4}contactFacebookId: )\d+/m, write: (v) => v },
  { option: 'taskField', flag: '--task-field', ask: "id of the tasks' Line field for the post id", example: String(EXAMPLE.taskPostId), check: positive('a field id'), line: /^( {4}taskPostId: )\d+/m, write: (v) => v },
];

export async function initCommand(options: InitOptions, output: Output): Promise<number> {
  const file = path.resolve(options.file);
  if (fs.existsSync(file)) {
    throw new ConfigError(`${file} already exists; fbsync init never overwrites a file. Edit it, or pass --config PATH for a new one.`, '--config');
  }
  const answers = new Map<Question, string>();
  for (const q of QUESTIONS) {
    const given = options[q.option];
    if (given === undefined) continue;
    const checked = q.check(given.trim());
    if (typeof checked !== 'string') throw new ConfigError(`${q.flag}: ${checked.error.includes('got ') ? checked.error : `${checked.error}, got ${JSON.stringify(given)}`}`, q.flag);
    answers.set(q, checked);
  }
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  if (interactive) await ask(QUESTIONS.filter((q) => !answers.has(q)), answers, output);

  let text = fs.readFileSync(EXAMPLE_CONFIG_PATH, 'utf8');
  text = text.replace(/^# fbsync configuration — copy to fbsync\.yaml[^\n]*\n#[^\n]*\n/, `# fbsync configuration, written by \`fbsync init\` on ${new Date().toISOString().slice(0, 10)}. Check it with \`fbsync doctor\`.\n`);
  for (const [q, value] of answers) text = text.replace(q.line, `$1${q.write(value)}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // 'wx': fails rather than overwrite a file made since the check above.
  fs.writeFileSync(file, text, { flag: 'wx', mode: 0o600 });

  const missing = QUESTIONS.filter((q) => !answers.has(q));
  const where = path.resolve(file) === path.resolve('fbsync.yaml') ? '' : ` --config ${file}`;
  output.out(`Wrote ${file}.`);
  if (missing.length > 0) output.out(`Not filled in yet (still the example's values): ${missing.map((q) => q.flag.slice(2)).join(', ')} — edit the file.`);
  output.out('Secrets come from the environment: set FB_APP_SECRET and PLANFIX_TOKEN (see the file).');
  output.out(`Next: \`fbsync reconnect${where}\` to connect the Page, then \`fbsync doctor${where}\` to check everything.`);
  return EXIT.ok;
}

async function ask(questions: Question[], answers: Map<Question, string>, output: Output): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // On a terminal readline takes Ctrl-C itself: give up as SIGINT does elsewhere (nothing is written yet).
  rl.on('SIGINT', () => {
    process.stderr.write('\nfbsync: stopped by SIGINT; nothing was written\n');
    process.exit(signalExitCode('SIGINT'));
  });
  try {
    output.err('A few questions (Enter keeps the example value, to fill in later):');
    for (const q of questions) {
      for (;;) {
        const raw = (await rl.question(`  ${q.ask} [${q.example}]: `)).trim();
        if (raw === '') break;
        const checked = q.check(raw);
        if (typeof checked === 'string') {
          answers.set(q, checked);
          break;
        }
        output.err(`    ${checked.error}; try again`);
      }
    }
  } finally {
    rl.close();
  }
}
