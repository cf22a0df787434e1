import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { snippet } from '../sync/format.js';
import { EXAMPLE_CONFIG_PATH } from '../config/placeholders.js';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { seedDemoPage } from '../simulator/seed.js';
import type { Output } from './output.js';
import { result } from './result.js';
import { runOnce } from './run.js';
import type { JsonResult } from './result.js';

function plain(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function printPlanfix(sim: Simulator, output: Output): void {
  const contacts = sim.planfix.contacts();
  output.out(`\nPlanfix now holds ${contacts.length} contacts: ${contacts.map((c) => `${c.name}${c.lastname ? ` ${c.lastname}` : ''} (#${c.id})`).join(', ')}`);
  for (const task of sim.planfix.tasks()) {
    output.out(`\nTask #${task.id} [${task.status}] ${task.name}`);
    for (const comment of sim.planfix.comments(task.id)) {
      const text = plain(comment.description).split('\n').filter(Boolean).join(' | ');
      output.out(`  - #${comment.id} by ${comment.owner?.name ?? comment.owner?.id ?? '?'}: ${snippet(text, 150)}`);
    }
  }
}

/**
 * `fbsync demo`: the product working end to end with no accounts — a simulated Page and Planfix
 * account on 127.0.0.1, a first cycle that imports the comments, an employee's quick reply,
 * and a second cycle that publishes it under the Facebook comment.
 */
export async function demoCommand(options: { json?: boolean }, output: Output): Promise<number> {
  const sim = await startSimulator();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fbsync-demo-'));
  try {
    seedDemoPage(sim.facebook);
    const configPath = path.join(dir, 'fbsync.yaml');
    fs.writeFileSync(configPath, sim.configYaml({ storePath: path.join(dir, 'fbsync.db') }), { mode: 0o600 });
    const config = await loadConfig({ configPath });
    output.out(`Simulated Facebook Page at ${sim.graphUrl}, simulated Planfix at ${sim.planfixUrl}, store in ${dir}`);

    const runs: JsonResult[] = [];
    const run = async () => {
      const outcome = await runOnce(config, output);
      runs.push(outcome.summary);
      return outcome.exitCode;
    };
    output.out('\n1) fbsync run — Facebook → Planfix');
    let code = await run();
    printPlanfix(sim, output);

    const task = sim.planfix.tasks().find((t) => sim.planfix.comments(t.id).some((c) => c.description.includes('gluten')));
    const anna = sim.planfix.contacts().find((c) => c.name === 'Anna');
    if (task && anna) {
      output.out(`\n2) An employee answers Anna in task #${task.id} with Planfix's quick reply, then fbsync run — Planfix → Facebook`);
      sim.planfix.quickReply(task.id, anna.id, 'Hi Anna! It is not gluten free, but our buckwheat loaf is. See you at the weekend!');
      code = Math.max(code, await run());
      const pageReplies = sim.facebook.comments().filter((c) => c.from?.id === sim.facebook.pageId);
      for (const reply of pageReplies) output.out(`   on Facebook, the Page replied under ${reply.parentId}: "${reply.message}"`);
    }
    output.out('\n3) fbsync run again — nothing new, so it prints nothing:');
    code = Math.max(code, await run());
    output.out(`   (silence)\n\nTo use your own accounts: \`fbsync init\` writes fbsync.yaml (or copy ${EXAMPLE_CONFIG_PATH}), then \`fbsync reconnect\`, \`fbsync doctor\`, and \`fbsync run\` from cron.`);
    if (options.json) output.json(result(code, { runs }));
    return code;
  } finally {
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
