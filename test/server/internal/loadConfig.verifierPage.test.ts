import { expect } from "chai";

import { ConfigError } from "../../../server/internal/ConfigError.js";
import { loadConfig, loopbackUrls } from "../../../server/internal/loadConfig.js";

describe("loadConfig: the verifier page's settings", function () {
  it("reads the browser's RPC endpoints and the explorer, and leaves them unset by default", function () {
    expect(loadConfig({ env: {} })).to.deep.include({ publicRpcUrls: undefined, explorerUrl: undefined });
    const config = loadConfig({
      env: {
        CARDPROOF_PUBLIC_RPC_URL: "https://mainnet.base.org, https://base.publicnode.com",
        CARDPROOF_EXPLORER_URL: "https://basescan.org/",
      },
    });
    expect(config.publicRpcUrls).to.deep.equal(["https://mainnet.base.org", "https://base.publicnode.com"]);
    expect(config.explorerUrl).to.equal("https://basescan.org");
    expect(() => loadConfig({ env: { CARDPROOF_PUBLIC_RPC_URL: "wss://node" } })).to.throw(
      ConfigError,
      /CARDPROOF_PUBLIC_RPC_URL/,
    );
  });

  it("hands the page only the indexer's loopback RPC URLs when none is set (hosted ones may hold keys)", function () {
    expect(
      loopbackUrls([
        "https://base-mainnet.g.alchemy.com/v2/secret-key",
        "http://127.0.0.1:8545",
        "http://localhost:8546",
        "http://[::1]:8547",
      ]),
    ).to.deep.equal(["http://127.0.0.1:8545", "http://localhost:8546", "http://[::1]:8547"]);
  });
});
