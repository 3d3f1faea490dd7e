import { unlinkSync } from "node:fs";
import { mkdir, open, readFile, rename, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";

import { CliError } from "./CliError.js";

/** A lock file nobody could read is taken as being written for this long, then as left by a crash. */
const HALF_WRITTEN_GRACE_MS = 10_000;

/** Who holds a lock: written into the lock file when it is taken. */
type Holder = { pid: number; host: string; since: string };

/** A held lock; `release` removes its file (also done when the process exits normally). */
export type Lock = { release(): void };

/**
 * Takes the lock file at `path` (created exclusively, holding this process's pid and host), or
 * refuses with a {@link CliError} naming the process that holds it. A lock whose process is gone
 * (killed, crashed: its pid no longer runs on this host) is taken over.
 *
 * @param what - the work the lock guards, for the message (e.g. "`batch mint` of issuer 0x…").
 * @dev Two commands taking over the same stale lock at the same moment could both win: the
 * stale file is first renamed to a name of this process's own, which only one of them can do.
 */
export async function acquireLock(path: string, what: string): Promise<Lock> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, "wx");
      const holder: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
      await handle.writeFile(`${JSON.stringify(holder)}\n`);
      await handle.close();
      return heldLock(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 3) throw lockError(error, path, what);
    }
    const holder = await readHolder(path);
    if (holder === undefined && (await ageMs(path)) < HALF_WRITTEN_GRACE_MS) {
      throw new CliError(`another ${what} is starting right now`, {
        hint: `wait for it to finish, then run this command again (lock file ${path})`,
      });
    }
    if (holder !== undefined && !isGone(holder)) {
      throw new CliError(
        `another ${what} is running (process ${holder.pid} on ${holder.host}, since ${holder.since})`,
        {
          hint: `wait for it to finish, then run this command again (lock file ${path})`,
        },
      );
    }
    // Stale: move it aside under a name only this process uses; losing that race means another took it over.
    await rename(path, `${path}.stale-${process.pid}`).catch(() => undefined);
    await unlinkQuietly(`${path}.stale-${process.pid}`);
  }
}

function heldLock(path: string): Lock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.removeListener("exit", release);
    unlinkQuietly(path);
  };
  process.once("exit", release);
  return { release };
}

async function readHolder(path: string): Promise<Holder | undefined> {
  try {
    const holder = JSON.parse(await readFile(path, "utf8")) as Holder;
    return Number.isSafeInteger(holder.pid) && typeof holder.host === "string" ? holder : undefined;
  } catch {
    // Unreadable or half-written: a process writing it right now, or one that died in between.
    return undefined;
  }
}

/** How long ago the file was last written; 0 when it is gone (retrying is then right). */
async function ageMs(path: string): Promise<number> {
  const stats = await stat(path).catch(() => undefined);
  return stats === undefined ? 0 : Date.now() - stats.mtimeMs;
}

/** Whether the holder's process no longer runs (only knowable for a process on this host). */
function isGone(holder: Holder): boolean {
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function unlinkQuietly(path: string) {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function lockError(error: unknown, path: string, what: string): CliError {
  return new CliError(`cannot take the lock of ${what} at ${path}: ${(error as Error).message}`, {
    hint: "check that the folder is writable, or remove a leftover lock file whose process is gone",
    cause: error,
  });
}
