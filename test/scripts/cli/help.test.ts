import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { runCardproof } from "../../helpers/cliHarness.js";

/** Help needs no chain: every way of asking for it answers on stdout with exit code 0. */
describe("cardproof help", function () {
  let cwd: string;

  before(async function () {
    cwd = await mkdtemp(join(tmpdir(), "cardproof-help-"));
  });

  after(async function () {
    await rm(cwd, { recursive: true, force: true });
  });

  it("lists a group's commands for `order --help`, `batch -h` and `lot help`, exit 0", async function () {
    for (const [args, first] of [
      [["order", "--help"], "order open"],
      [["batch", "-h"], "batch mint"],
      [["lot", "help"], "lot transfer"],
    ] as const) {
      const run = await runCardproof(args, { cwd });
      expect(run.code, args.join(" ")).to.equal(0);
      expect(run.stdout).to.include(first).and.include(`cardproof ${args[0]} <command> --help`);
    }
  });

  it("shows a command's options for `batch mint --help`, and refuses a bare group with the commands to try", async function () {
    const mint = await runCardproof(["batch", "mint", "--help"], { cwd });
    expect(mint.code).to.equal(0);
    expect(mint.stdout).to.include("--new-batch");
    const bare = await runCardproof(["order"], { cwd });
    expect(bare.code).to.equal(2);
    expect(bare.stderr).to.include("cardproof order open");
  });
});
