import { expect } from "chai";

import { LANGUAGES, pickLanguage } from "../../verifier-web/src/i18n/languages.js";
import { en } from "../../verifier-web/src/i18n/messages/en.js";

const slotsOf = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe("verifier-web languages", function () {
  it("translates every English message into every language, with the same {slots}", async function () {
    for (const language of LANGUAGES) {
      const messages = await language.load();
      for (const [key, text] of Object.entries(en)) {
        const translated = messages[key];
        expect(translated, `${language.tag}: ${key}`).to.be.a("string").and.not.equal("");
        expect(slotsOf(translated!), `${language.tag}: ${key}`).to.deep.equal(slotsOf(text));
      }
      const extra = Object.keys(messages).filter((key) => !(key in en));
      for (const key of extra) expect(key, `${language.tag}: ${key}`).to.match(/\.(zero|one|two|few|many|other)$/);
    }
  });

  it("speaks of card keys, never of code hashes (registry v2), in every language", async function () {
    const codeHash = /code hash|hash del código|hash do código|密码哈希|تجزئة الرمز/i;
    for (const language of LANGUAGES) {
      const messages = await language.load();
      for (const [key, text] of Object.entries(messages))
        expect(text, `${language.tag}: ${key}`).not.to.match(codeHash);
      expect(messages["invalid.printedForV1"], language.tag).to.include("v1");
    }
  });

  it("has every plural form each language's rules select", async function () {
    for (const language of LANGUAGES) {
      const messages = await language.load();
      const forms = new Set([0, 1, 2, 3, 11, 100, 1_000_000].map((n) => new Intl.PluralRules(language.tag).select(n)));
      for (const form of forms) {
        expect(messages[`repeat.times.${form}`] ?? messages["repeat.times.other"], `${language.tag} ${form}`).to.be.a(
          "string",
        );
      }
    }
  });

  it("picks the page's language from the browser's list, English when none matches", function () {
    const pick = (...tags: string[]) => pickLanguage(tags).tag;
    expect(pick("ar-EG", "en")).to.equal("ar");
    expect(pick("zh-TW")).to.equal("zh-CN");
    expect(pick("pt-PT", "es")).to.equal("pt-BR");
    expect(pick("de-DE", "es-MX")).to.equal("es");
    expect(pick("de-DE", "fr")).to.equal("en");
    expect(pick()).to.equal("en");
    expect(LANGUAGES.find((language) => language.tag === "ar")!.dir).to.equal("rtl");
  });
});
