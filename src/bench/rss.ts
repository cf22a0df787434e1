import fs from 'node:fs';

export interface RssPeak {
  /** Highest VmHWM (the kernel's own peak RSS) seen, in bytes; VmRSS when VmHWM is absent. */
  peakBytes: number;
  /** Highest VmRSS sampled, in bytes. */
  maxSampledRssBytes: number;
  samples: number;
}

export interface RssSampler {
  /** Stops sampling; undefined when /proc/<pid>/status could not be read even once (non-Linux). */
  stop(): RssPeak | undefined;
}

function readKb(status: string, key: string): number | undefined {
  const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  return m ? Number(m[1]) * 1024 : undefined;
}

/**
 * Samples a child's memory from /proc every `intervalMs`. VmHWM is the kernel's high-water mark,
 * so spikes between samples are still counted; only the last interval before exit is missed.
 */
export function sampleRss(pid: number, intervalMs = 100): RssSampler {
  let peak: RssPeak | undefined;
  const sample = () => {
    let status: string;
    try {
      status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      return;
    }
    const rss = readKb(status, 'VmRSS');
    const hwm = readKb(status, 'VmHWM') ?? rss;
    // A zombie (exited, not yet reaped) has no Vm* lines.
    if (hwm === undefined) return;
    peak ??= { peakBytes: 0, maxSampledRssBytes: 0, samples: 0 };
    peak.samples++;
    peak.peakBytes = Math.max(peak.peakBytes, hwm);
    peak.maxSampledRssBytes = Math.max(peak.maxSampledRssBytes, rss ?? 0);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      sample();
      clearInterval(timer);
      return peak;
    },
  };
}

export const MB = 1024 * 1024;
