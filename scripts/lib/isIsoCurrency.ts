/** The ISO 4217 codes in use, as the runtime's ICU data lists them (162 in Node 20 and 22). */
let codes: ReadonlySet<string> | undefined;

/**
 * Whether `code` is an ISO 4217 currency in use (USD, EUR, JPY, XAF…): not a made-up, withdrawn
 * (VEF) or reserved one (XXX "no currency", XTS "testing"). A batch commits its currency on chain
 * for good and prints it on every card, so a typo must be caught before.
 */
export function isIsoCurrency(code: string): boolean {
  codes ??= new Set(Intl.supportedValuesOf("currency"));
  return codes.has(code);
}
