import { readFileSync } from "node:fs";

/** A process's resident memory, from Linux's `/proc/<pid>/status`, in bytes. */
export type ProcessMemory = {
  /** `VmRSS`: resident set size now. */
  rss: number;
  /** `VmHWM`: the peak resident set size since the process started (the kernel's high-water mark). */
  peakRss: number;
};

/**
 * Reads `VmRSS` and `VmHWM` of a process. Returns undefined where `/proc` does not exist (not
 * Linux) or the process has exited.
 */
export function readProcessMemory(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const kib = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
    return match === null ? undefined : Number(match[1]) * 1024;
  };
  const rss = kib("VmRSS");
  const peakRss = kib("VmHWM");
  return rss === undefined || peakRss === undefined ? undefined : { rss, peakRss };
}
