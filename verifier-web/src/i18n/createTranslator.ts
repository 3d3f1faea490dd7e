import type { MessageKey, Messages } from "./messages/en.js";
import type { Language } from "./languages.js";

/** Values filled into a message's `{name}` slots. */
export type MessageValues = Readonly<Record<string, string | number>>;

/**
 * Text in one language: `t(key, values)` fills `{name}` slots; `plural(key, count, values)` picks
 * `key.zero|one|two|few|many|other` with `Intl.PluralRules` (falling back to `other`) and fills
 * `{count}` too. Numbers and dates are formatted for the language with `Intl`.
 */
export function createTranslator(language: Language, messages: Messages) {
  const rules = new Intl.PluralRules(language.tag);
  const fill = (text: string, values: MessageValues) =>
    text.replace(/\{(\w+)\}/g, (slot, name: string) => (name in values ? String(values[name]) : slot));
  const number = new Intl.NumberFormat(language.tag);
  const dateTime = new Intl.DateTimeFormat(language.tag, { dateStyle: "medium", timeStyle: "short" });
  const date = new Intl.DateTimeFormat(language.tag, { dateStyle: "long" });
  const relative = new Intl.RelativeTimeFormat(language.tag, { numeric: "auto" });

  return {
    language,
    t(key: MessageKey, values: MessageValues = {}): string {
      return fill(messages[key], values);
    },
    plural(key: string, count: number, values: MessageValues = {}): string {
      const text = messages[`${key}.${rules.select(count)}`] ?? messages[`${key}.other`] ?? key;
      return fill(text, { count: number.format(count), ...values });
    },
    /** A number in the language's digits and grouping. */
    number: (value: number | bigint) => number.format(value),
    /** Date and time of a Unix time (seconds), e.g. "25 Nov 2026, 18:10". */
    dateTime: (seconds: number) => dateTime.format(seconds * 1000),
    /** Date of a Unix time (seconds), e.g. "25 November 2026". */
    date: (seconds: number) => date.format(seconds * 1000),
    /**
     * How long ago `seconds` was at `now` (both Unix seconds), e.g. "3 hours ago". A time after
     * `now` (a block stamped by a clock running ahead of this device's) reads as "now".
     */
    relative(seconds: number, now: number): string {
      const delta = Math.min(0, seconds - now);
      const abs = Math.abs(delta);
      const [value, unit]: [number, Intl.RelativeTimeFormatUnit] =
        abs < 60
          ? [delta, "second"]
          : abs < 3_600
            ? [delta / 60, "minute"]
            : abs < 86_400
              ? [delta / 3_600, "hour"]
              : abs < 30 * 86_400
                ? [delta / 86_400, "day"]
                : abs < 365 * 86_400
                  ? [delta / (30 * 86_400), "month"]
                  : [delta / (365 * 86_400), "year"];
      return relative.format(Math.round(value), unit);
    },
  };
}

export type Translator = ReturnType<typeof createTranslator>;
