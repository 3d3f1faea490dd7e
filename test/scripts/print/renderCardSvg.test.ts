import { expect } from "chai";

import { parseCardUrl } from "../../../scripts/lib/cardPayload.js";
import { formatCode } from "../../../scripts/lib/formatCode.js";
import { decodeSecretPayload } from "../../../scripts/lib/secretPayload.js";
import { layoutCard } from "../../../scripts/print/layoutCard.js";
import { renderCardPng } from "../../../scripts/print/renderCardPng.js";
import { renderCardSvg } from "../../../scripts/print/renderCardSvg.js";
import { decodeQrFromModules } from "../../helpers/decodeQr.js";
import { makePrintableCard, TEST_CODE, TEST_VERIFIER } from "../../helpers/printableCard.js";

/**
 * Checks XML well-formedness the strict way: one root, every tag closed in order, attributes quoted
 * and unique, no stray `<` or `&` in text, only the five predefined entities.
 */
function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, "");
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/gy;
  for (let match = token.exec(body); match !== null && match[0] !== ""; match = token.exec(body)) {
    const [, closing, name, attributes, selfClosing, text, stray] = match;
    if (stray) expect.fail(`stray "<" at ${match.index}`);
    if (text !== undefined) {
      expect(text.replace(/&(amp|lt|gt|quot|apos);/g, ""), "text").not.to.match(/[&<>]/);
      if (stack.length === 0) expect(text.trim(), "text outside the root").to.equal("");
      continue;
    }
    const names = [...(attributes ?? "").matchAll(/([\w:.-]+)="([^"]*)"/g)].map((m) => {
      expect(m[2]!.replace(/&(amp|lt|gt|quot|apos);/g, ""), `attribute ${m[1]}`).not.to.match(/[&<]/);
      return m[1]!;
    });
    expect(new Set(names).size, `attributes of <${name}>`).to.equal(names.length);
    if (closing) {
      expect(stack.pop(), `closing </${name}>`).to.equal(name);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(name!);
    }
  }
  expect(stack, "unclosed elements").to.deep.equal([]);
  expect(roots).to.equal(1);
}

/** The dark modules of the QR path in the SVG group `groupId`, read back from its `d` attribute. */
function qrModulesIn(svg: string, groupId: string): boolean[][] {
  const group = new RegExp(`<g id="${groupId}">([\\s\\S]*?)</g>`).exec(svg)?.[1] ?? "";
  const d = / d="([^"]*)"/.exec(group)?.[1] ?? "";
  const runs = [...d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)].map(
    (m) => m.slice(1).map(Number) as [number, number, number],
  );
  expect(runs.length, "runs").to.be.above(0);
  expect(runs.map((run) => `M${run[0]} ${run[1]}h${run[2]}v1h-${run[2]}z`).join("")).to.equal(d);
  const size = Math.max(...runs.map(([column, , length]) => column + length));
  const modules = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  for (const [column, row, length] of runs) for (let c = column; c < column + length; c++) modules[row]![c] = true;
  return modules;
}

describe("renderCardSvg", function () {
  const card = makePrintableCard();
  const svg = renderCardSvg(card, { verifierBase: TEST_VERIFIER });

  it("is a well-formed SVG document in millimetres", function () {
    assertWellFormedXml(svg);
    expect(svg).to.match(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).to.include('width="85.6mm" height="53.98mm" viewBox="0 0 85.6 53.98"');
    // resvg's parser (roxmltree) is strict too: a malformed document would not render.
    expect(renderCardPng(card, { verifierBase: TEST_VERIFIER, dpi: 72 }).subarray(1, 4).toString()).to.equal("PNG");
  });

  it("holds a public QR whose vectors decode to the card link", function () {
    const text = decodeQrFromModules(qrModulesIn(svg, "public"));
    expect(text).to.equal(layoutCard(card, { verifierBase: TEST_VERIFIER }).url);
    expect(parseCardUrl(text!)).to.deep.include({ batchId: card.batchId, serial: card.serial, chainId: card.chainId });
  });

  it("puts the code and the redemption QR in the scratch-area group only", function () {
    const [publicGroup, scratchGroup] = ["public", "scratch-area"].map(
      (id) => new RegExp(`<g id="${id}">([\\s\\S]*?)</g>`).exec(svg)?.[1] ?? "",
    );
    const formatted = formatCode(TEST_CODE);
    expect(scratchGroup).to.include(formatted.slice(0, 11)).and.to.include(formatted.slice(12));
    expect(publicGroup).not.to.include(TEST_CODE.slice(0, 5));
    expect(decodeSecretPayload(decodeQrFromModules(qrModulesIn(svg, "scratch-area"))!)).to.deep.equal({
      code: TEST_CODE,
      batchId: card.batchId,
      serial: card.serial,
    });
  });

  it("escapes markup in the supplier name", function () {
    const name = `Tom & Jerry's <Cards> "Ltd"`;
    const escaped = renderCardSvg(makePrintableCard({ supplierName: name }), { verifierBase: TEST_VERIFIER });
    assertWellFormedXml(escaped);
    expect(escaped).to.include("Tom &amp; Jerry&apos;s &lt;Cards&gt; &quot;Ltd&quot;");
  });

  it("draws the card outline unless told not to", function () {
    expect(svg).to.include('stroke="#9a9a9a"');
    expect(renderCardSvg(card, { verifierBase: TEST_VERIFIER, border: false })).not.to.include('stroke="#9a9a9a"');
  });
});
