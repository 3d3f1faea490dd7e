import { expect } from "chai";

import { frameAttempts, type FrameAttempt } from "../../../verifier-web/src/scanner/frameAttempts.js";
import { createRandom } from "../../helpers/createRandom.js";

const inside = (attempt: FrameAttempt, x: number, y: number, w: number, h: number) =>
  x >= attempt.sx && y >= attempt.sy && x + w <= attempt.sx + attempt.sw && y + h <= attempt.sy + attempt.sh;

describe("verifier scanner: frameAttempts", function () {
  const sizes: [number, number][] = [
    [1280, 720],
    [1920, 1080],
    [640, 480],
    [4032, 3024],
  ];

  it("starts with the whole frame (the single call the page made before), on every path", function () {
    for (const [width, height] of sizes) {
      for (const engine of ["native", "zxing-wasm", "jsqr"] as const) {
        const [first] = frameAttempts(width, height, engine);
        expect(first, `${engine} ${width}×${height}`).to.include({ sx: 0, sy: 0, sw: width, sh: height });
      }
    }
  });

  it("puts every symbol up to a quarter of the frame whole into one attempt other than the full frame", function () {
    const random = createRandom(13);
    for (const [width, height] of sizes) {
      for (const engine of ["zxing-wasm", "jsqr"] as const) {
        const crops = frameAttempts(width, height, engine).slice(1);
        for (let i = 0; i < 500; i++) {
          const w = 1 + random.int(Math.floor(width / 4));
          const h = 1 + random.int(Math.floor(height / 4));
          const x = random.int(width - w + 1);
          const y = random.int(height - h + 1);
          const found = crops.some((crop) => inside(crop, x, y, w, h));
          expect(found, `${engine} ${width}×${height}: ${w}×${h} at ${x},${y}`).to.equal(true);
        }
      }
    }
  });

  it("keeps jsQR's images at most 640 px wide and the detectors' at most 1920, zooming small crops", function () {
    for (const [width, height] of sizes) {
      const jsqr = frameAttempts(width, height, "jsqr").slice(1);
      const zxing = frameAttempts(width, height, "zxing-wasm").slice(1);
      for (const attempt of jsqr) expect(attempt.dw, attempt.name).to.be.at.most(640);
      for (const attempt of zxing) expect(attempt.dw, attempt.name).to.be.at.most(1920);
      // Crops of a 720p frame are drawn larger than they are: that is what reads small cards.
      if (width === 1280) {
        expect(zxing.every((attempt) => attempt.dw > attempt.sw && attempt.sharpen)).to.equal(true);
        expect(jsqr.at(-1)).to.include({ name: "centre third", dw: 640, sharpen: true });
      }
    }
  });

  it("plans nothing for an empty frame (a camera not started yet)", function () {
    expect(frameAttempts(0, 720, "jsqr")).to.deep.equal([]);
    expect(frameAttempts(1280, 0, "zxing-wasm")).to.deep.equal([]);
  });
});
