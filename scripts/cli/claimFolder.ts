import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Creates `folder` exclusively: true when this call created it, false when it already existed
 * (another command's, or the user's). A command writes and deletes only inside folders it claimed,
 * so a failure never removes files it did not write.
 */
export async function claimFolder(folder: string): Promise<boolean> {
  await mkdir(dirname(folder), { recursive: true });
  try {
    await mkdir(folder);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}
