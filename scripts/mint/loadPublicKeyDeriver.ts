import { createRequire } from "node:module";

import { secp256k1 } from "@noble/curves/secp256k1";

/** Which secp256k1 implementation derives the cards' public keys while minting. */
export type PublicKeyBackend = "native" | "noble";

/**
 * Writes the 65-byte uncompressed public key (`0x04 ‖ x ‖ y`) of a 32-byte private key into `out`
 * (65 bytes) and returns it.
 */
export type PublicKeyDeriver = {
  readonly backend: PublicKeyBackend;
  derive(privateKey: Uint8Array, out: Uint8Array): Uint8Array;
};

/** The part of npm `secp256k1@5`'s native binding this module uses. */
type NativeSecp256k1 = {
  publicKeyCreate(privateKey: Uint8Array, compressed: boolean, output: Uint8Array): Uint8Array;
};

const require = createRequire(import.meta.url);
let native: NativeSecp256k1 | null | undefined;
let loadError: string | undefined;

/**
 * The fastest secp256k1 public-key derivation available here, for bulk minting (one per card):
 * libsecp256k1 through npm `secp256k1@5`'s prebuilt native binding (about 25 µs per key on our
 * 2-core machines), or else `@noble/curves` in pure JS (about 210 µs: 1,000,000 cards take minutes).
 *
 * @param prefer `"noble"` forces the pure-JS path (tests and benchmarks compare both); by default
 *        the native binding when it loads.
 * @dev Loads `secp256k1/bindings` (the binding alone, not the package's own elliptic.js fallback)
 *      with `createRequire`, once per thread. Both paths give the same bytes (the mint tests
 *      compare them with viem's `privateKeyToAddress`).
 */
export function loadPublicKeyDeriver(prefer: PublicKeyBackend = "native"): PublicKeyDeriver {
  if (prefer === "native") {
    const binding = loadNative();
    if (binding !== null) {
      return {
        backend: "native",
        derive: (privateKey, out) => binding.publicKeyCreate(privateKey, false, out),
      };
    }
  }
  return {
    backend: "noble",
    derive(privateKey, out) {
      out.set(secp256k1.getPublicKey(privateKey, false));
      return out;
    },
  };
}

/**
 * Why the native binding did not load (its error's message: a path or a missing-module note, never
 * key material), or undefined when it loaded or was not tried yet.
 */
export function nativePublicKeyLoadError(): string | undefined {
  loadNative();
  return loadError;
}

function loadNative(): NativeSecp256k1 | null {
  if (native !== undefined) return native;
  try {
    native = require("secp256k1/bindings") as NativeSecp256k1;
  } catch (error) {
    native = null;
    loadError = error instanceof Error ? error.message.split("\n")[0] : String(error);
  }
  return native;
}
