import { readFileSync } from "node:fs";

/**
 * Peak resident memory of this process, in bytes: Linux's `VmHWM` (the high-water mark of this
 * process's own address space), else `getrusage`'s `maxRSS`.
 *
 * @dev Not `maxRSS` first: Linux carries it over `execve` from the forked parent, so a process
 *      started by a large one (a benchmark holding a chain) would report the parent's footprint.
 */
export function peakMemory(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match !== null) return Number(match[1]) * 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS * 1024;
}
