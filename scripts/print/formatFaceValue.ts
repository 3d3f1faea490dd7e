/**
 * ISO 4217 minor-unit exponents other than 2 (the usual cents): currencies without minor units, and
 * those with 3 or 4 decimals. From the ISO 4217 list (amendment 179).
 */
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/**
 * How many decimals the currency's minor unit has (ISO 4217): 2 for most, 0 for JPY, 3 for KWD.
 *
 * @throws {RangeError} when `currency` is not three capitals.
 */
export function currencyDecimals(currency: string): number {
  if (!/^[A-Z]{3}$/.test(currency))
    throw new RangeError(`a currency is three capital letters (ISO 4217), got "${currency}"`);
  return EXPONENTS[currency] ?? 2;
}

/**
 * A face value in minor units as people read it, with the currency's own number of decimals and
 * commas between groups of three digits: `formatFaceValue(5000n, "USD")` is `"50.00 USD"`, `(1000000n, "JPY")` is
 * `"1,000,000 JPY"`, `(12345n, "KWD")` is `"12.345 KWD"`. The same text on every card and in every
 * locale, like the amount on a banknote.
 *
 * @throws {RangeError} when `minorUnits` is negative or `currency` is not three capitals.
 */
export function formatFaceValue(minorUnits: bigint, currency: string): string {
  if (minorUnits < 0n) throw new RangeError(`face value ${minorUnits} is negative`);
  if (!/^[A-Z]{3}$/.test(currency))
    throw new RangeError(`currency ${JSON.stringify(currency)} is not an ISO 4217 code`);
  const exponent = EXPONENTS[currency] ?? 2;
  const digits = minorUnits.toString().padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent).replace(/\B(?=(\d{3})+$)/g, ",");
  const fraction = digits.slice(digits.length - exponent);
  return `${exponent === 0 ? whole : `${whole}.${fraction}`} ${currency}`;
}
