import { createRequire } from "node:module";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { defineConfig } from "hardhat/config";

// Hardhat cannot download compilers on our machines (no internet), so it uses the solc-js
// build shipped by the npm `solc` package. The version below must equal package.json's pin.
const SOLC_VERSION = "0.8.30";
const solcPath = createRequire(import.meta.url).resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    profiles: {
      default: {
        version: SOLC_VERSION,
        path: solcPath,
        settings: { optimizer: { enabled: true, runs: 10_000 }, viaIR: true, evmVersion: "prague" },
      },
      production: {
        version: SOLC_VERSION,
        path: solcPath,
        settings: { optimizer: { enabled: true, runs: 10_000 }, viaIR: true, evmVersion: "prague" },
      },
    },
  },
  paths: {
    tests: { mocha: "test" },
  },
  test: {
    mocha: { timeout: 120_000 },
  },
  networks: {
    // The local chain `npm start` and the tests run on: EDR, in-process.
    default: { type: "edr-simulated", chainType: "l1" },
    // A standalone JSON-RPC node on 127.0.0.1 (e.g. `npx hardhat node`); pointing elsewhere is config only.
    localhost: { type: "http", chainType: "l1", url: process.env.CARDPROOF_RPC_URL ?? "http://127.0.0.1:8545" },
  },
});
