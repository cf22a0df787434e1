import type { BackfillProgress } from '../sync/backfill.js';
import { plural } from './summary.js';

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s}s`;
  const m = Math.round(s / 60);
  return m < 90 ? `${m}m` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * Backfill progress on stderr: a redrawn bar on a terminal, one line every so often elsewhere
 * (cron mail, log files). The share done is the part of the date range already listed.
 */
export class ProgressDisplay {
  private readonly started = Date.now();
  private lastLine = 0;
  private last: BackfillProgress | undefined;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly range: { since: Date; until: Date },
    /** Where the lines go off a terminal (through Output: timestamps, JSON lines). */
    private readonly line: (text: string) => void,
    private readonly intervalMs = Number(process.env.FBSYNC_PROGRESS_INTERVAL_MS) || 10_000,
  ) {}

  private get tty(): boolean {
    return Boolean(this.stream.isTTY);
  }

  update(progress: BackfillProgress): void {
    this.last = progress;
    const now = Date.now();
    if (!this.tty && now - this.lastLine < this.intervalMs) return;
    if (this.tty && now - this.lastLine < 100) return;
    this.lastLine = now;
    this.draw(progress);
  }

  /** `complete`: the whole range was read (the feed may end before --since), so the bar ends at 100 %. */
  finish(complete: boolean): void {
    if (this.last) this.draw(this.last, complete);
    if (this.tty && this.last) this.stream.write('\n');
  }

  private draw(p: BackfillProgress, complete = false): void {
    const span = this.range.until.getTime() - this.range.since.getTime();
    const covered = p.oldestSeen ? (this.range.until.getTime() - p.oldestSeen.getTime()) / span : 0;
    const share = complete ? 1 : Math.min(1, Math.max(0, covered));
    const elapsed = Date.now() - this.started;
    const rate = p.commentsImported / Math.max(1, elapsed / 1000);
    const eta = share > 0.01 && share < 1 ? ` · ETA ${duration((elapsed * (1 - share)) / share)}` : '';
    const text = `${plural(p.postsDone, 'post')} done, ${p.postsSkipped} already in · ${plural(p.commentsImported, 'comment')} · ${rate.toFixed(1)}/s${eta}`;
    if (this.tty) {
      const width = 24;
      const filled = Math.round(share * width);
      this.stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}% ${text}`);
    } else {
      this.line(`fbsync backfill: ${Math.round(share * 100)}% · ${text}`);
    }
  }
}
