import { expect } from "chai";

import { ConfigError } from "../../../server/internal/ConfigError.js";
import { loadConfig } from "../../../server/internal/loadConfig.js";

describe("loadConfig: static proof shard URLs", function () {
  it("reads CARDPROOF_PROOF_SHARDS_URL as a comma-separated list of base URLs ending in a slash", function () {
    expect(loadConfig({ env: {} }).proofShardsUrls).to.deep.equal([]);
    const config = loadConfig({
      env: { CARDPROOF_PROOF_SHARDS_URL: "https://cdn.example/shards, http://127.0.0.1:8790/" },
    });
    expect(config.proofShardsUrls).to.deep.equal(["https://cdn.example/shards/", "http://127.0.0.1:8790/"]);
  });

  it("refuses a shard URL that is not http(s), naming the variable", function () {
    expect(() => loadConfig({ env: { CARDPROOF_PROOF_SHARDS_URL: "ipfs://bafy/shards" } }))
      .to.throw(ConfigError)
      .with.property("message")
      .that.match(/CARDPROOF_PROOF_SHARDS_URL: .*must be an http\(s\) URL/);
  });
});
