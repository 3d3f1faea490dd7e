// Fails CI when line coverage of the production contracts drops below the threshold.
// Reads coverage/lcov.info written by `hardhat test --coverage`; test-only contracts
// (contracts/mocks, contracts/bench) do not count.
import { readFileSync } from "node:fs";

const THRESHOLD = Number(process.env.COVERAGE_THRESHOLD ?? 95);
const lcov = readFileSync("coverage/lcov.info", "utf8");
let found = 0;
let hit = 0;
const rows = [];
for (const record of lcov.split("end_of_record")) {
  const file = /^SF:(.+)$/m.exec(record)?.[1];
  if (file === undefined || !file.startsWith("contracts/") || /^contracts\/(mocks|bench)\//.test(file)) continue;
  const lf = Number(/^LF:(\d+)$/m.exec(record)?.[1] ?? 0);
  const lh = Number(/^LH:(\d+)$/m.exec(record)?.[1] ?? 0);
  found += lf;
  hit += lh;
  rows.push(`${file}: ${lh}/${lf}`);
}
const percent = found === 0 ? 0 : (100 * hit) / found;
console.log(rows.join("\n"));
console.log(`contract line coverage ${percent.toFixed(2)}% (threshold ${THRESHOLD}%)`);
if (found === 0 || percent < THRESHOLD) {
  console.error("coverage below threshold: add tests for the uncovered lines listed in coverage/html");
  process.exit(1);
}
