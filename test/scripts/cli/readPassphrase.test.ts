import { expect } from "chai";

import { CliError } from "../../../scripts/cli/CliError.js";
import { PASSPHRASE_VARIABLE, readPassphrase, type PassphraseTerminal } from "../../../scripts/cli/readPassphrase.js";

const GOOD = "correct horse battery staple";

/** A terminal that answers from a script and records what it was asked and told. */
function scriptedTerminal(answers: string[]) {
  const asked: string[] = [];
  const told: string[] = [];
  const terminal: PassphraseTerminal = {
    interactive: true,
    prompt: async (question) => {
      asked.push(question);
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`no scripted answer for "${question}"`);
      return answer;
    },
    warn: (line) => told.push(line),
  };
  return { terminal, asked, told };
}

describe("readPassphrase: a typed passphrase", function () {
  let saved: string | undefined;
  beforeEach(function () {
    saved = process.env[PASSPHRASE_VARIABLE];
    delete process.env[PASSPHRASE_VARIABLE];
  });
  afterEach(function () {
    if (saved !== undefined) process.env[PASSPHRASE_VARIABLE] = saved;
  });

  it("asks again when the repetition differs, and when it is too short for a new file", async function () {
    const { terminal, asked, told } = scriptedTerminal(["abc1", GOOD, `${GOOD}!`, GOOD, GOOD]);
    expect(await readPassphrase("encrypt the codes", { confirm: true }, terminal)).to.equal(GOOD);
    expect(asked).to.have.length(5);
    expect(told).to.deep.equal([
      "The passphrase is too short for a new codes file: at least 12 characters; type another one.",
      "The two passphrases differ; type them again.",
    ]);
    // Nothing typed is ever repeated back.
    for (const line of told) expect(line).to.not.include(GOOD).and.not.include("abc1");
  });

  it("gives up after three attempts with what to do", async function () {
    const { terminal } = scriptedTerminal([GOOD, "a", GOOD, "b", GOOD, "c"]);
    const error = await readPassphrase("encrypt the codes", { confirm: true }, terminal).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CliError);
    expect((error as CliError).message).to.equal("the two passphrases differed 3 times");
  });

  it("takes the environment's passphrase without asking, and refuses a short one there outright", async function () {
    const { terminal, asked } = scriptedTerminal([]);
    process.env[PASSPHRASE_VARIABLE] = GOOD;
    expect(await readPassphrase("encrypt the codes", { confirm: true }, terminal)).to.equal(GOOD);
    process.env[PASSPHRASE_VARIABLE] = "short";
    const error = await readPassphrase("encrypt the codes", { confirm: true }, terminal).catch((e: unknown) => e);
    expect((error as CliError).message).to.match(/^CARDPROOF_CODES_PASSPHRASE is too short for a new codes file/);
    expect(asked).to.deep.equal([]);
  });
});
