/** Runs `task` with `console.log` sent to stderr, so that stdout carries only the report. */
export async function withStdoutOnStderr<T>(task: () => Promise<T>): Promise<T> {
  const original = console.log;
  console.log = console.error;
  try {
    return await task();
  } finally {
    console.log = original;
  }
}
