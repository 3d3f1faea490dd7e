/**
 * Seed and length of a property test, from `FUZZ_SEED` (a non-negative integer or "random") and
 * `FUZZ_STEPS` (a positive integer); unset or empty keeps the test's fixed defaults, so CI is repeatable.
 */
export function readFuzzSettings(
  env: Record<string, string | undefined>,
  defaults: { seed: number; steps: number },
): { seed: number; steps: number } {
  return { seed: readSeed(env.FUZZ_SEED, defaults.seed), steps: readSteps(env.FUZZ_STEPS, defaults.steps) };
}

function readSeed(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  if (raw === "random") return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new Error(`FUZZ_SEED must be a non-negative integer or "random", got ${raw}`);
  return seed >>> 0;
}

function readSteps(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  const steps = Number(raw);
  if (!Number.isSafeInteger(steps) || steps < 1) throw new Error(`FUZZ_STEPS must be a positive integer, got ${raw}`);
  return steps;
}
