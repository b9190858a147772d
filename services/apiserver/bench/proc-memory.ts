// The apiserver's peak resident memory during one workload, from /proc.
// VmHWM is the kernel's own high-water mark, exact however short the peak;
// writing "5" to /proc/PID/clear_refs resets it (Linux 4.0+, owner only), so
// each workload gets its own peak. Where the reset is refused (another
// user's process, an old kernel) VmHWM would be the process's lifetime peak,
// so we fall back to sampling VmRSS every 100 ms, which can miss a spike
// shorter than that: the report says which of the two a number is.

import { readFileSync, writeFileSync } from 'node:fs';

const SAMPLE_INTERVAL_MS = 100;

/** The `Name:   123 kB` fields of /proc/PID/status, in kB; lines in another shape are skipped. */
export function parseProcStatusKb(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+) kB$/.exec(line.trimEnd());
    if (m !== null) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

export interface PeakRss {
  readonly bytes: number;
  /** 'hwm': the kernel's exact high-water mark; 'sampled': max of VmRSS every 100 ms. */
  readonly source: 'hwm' | 'sampled';
}

function statusKb(pid: number, field: string): number | undefined {
  try {
    return parseProcStatusKb(readFileSync(`/proc/${pid}/status`, 'utf8')).get(field);
  } catch {
    return undefined; // the process exited: the workload's failure says why
  }
}

/** Watches one process from `start()` until `stop()`. */
export class PeakRssMeter {
  readonly #pid: number;
  #timer: NodeJS.Timeout | undefined;
  #sampledKb = 0;
  #hwmReset = false;

  constructor(pid: number) {
    this.#pid = pid;
  }

  start(): void {
    if (this.#timer !== undefined) throw new Error('PeakRssMeter: already started');
    try {
      writeFileSync(`/proc/${this.#pid}/clear_refs`, '5');
      this.#hwmReset = true;
    } catch {
      this.#hwmReset = false; // not ours to reset: sample instead (see the file comment)
    }
    this.#sampledKb = statusKb(this.#pid, 'VmRSS') ?? 0;
    this.#timer = setInterval(() => {
      this.#sampledKb = Math.max(this.#sampledKb, statusKb(this.#pid, 'VmRSS') ?? 0);
    }, SAMPLE_INTERVAL_MS);
    this.#timer.unref();
  }

  /** The peak since start(); undefined when the process could not be read at all. */
  stop(): PeakRss | undefined {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const hwm = this.#hwmReset ? statusKb(this.#pid, 'VmHWM') : undefined;
    if (hwm !== undefined) return { bytes: Math.max(hwm, this.#sampledKb) * 1024, source: 'hwm' };
    return this.#sampledKb > 0 ? { bytes: this.#sampledKb * 1024, source: 'sampled' } : undefined;
  }
}
