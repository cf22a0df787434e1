// The loop-mode memory figure (issue 11 § 5): `fbsync run --every` cycles as fast as they go, in
// this process, exactly as runLoop does them (one session and lock, new clients each cycle), and
// prints the process's RSS every `every` cycles as one JSON line. Run by src/bench/run.ts.
//   node dist/bench/loop-child.js CONFIG CYCLES EVERY

import { loadConfig } from '../config/load.js';
import { runCycle } from '../sync/engine.js';
import { openSession } from '../commands/session.js';

const [configPath, cyclesArg, everyArg] = process.argv.slice(2);
const cycles = Number(cyclesArg ?? 10_000);
const every = Number(everyArg ?? 1_000);
const config = await loadConfig({ configPath: configPath! });
const session = openSession(config);
try {
  for (let i = 1; i <= cycles; i++) {
    if (i > 1) session.renewClients();
    const report = await runCycle(session, { ...config.sync, pageId: config.pages[0]!.pageId });
    if (report.hasProblems) throw new Error(`cycle ${i} had problems: ${JSON.stringify(report.failed)}`);
    if (i === 1 || i % every === 0) process.stdout.write(`${JSON.stringify({ cycle: i, rssBytes: process.memoryUsage().rss, heapUsedBytes: process.memoryUsage().heapUsed })}\n`);
  }
} finally {
  session.close();
}
