import { en, type Messages } from "./messages/en.js";

/** A language the page speaks. */
export type Language = {
  /** BCP 47 tag, also given to `Intl` and to `<html lang>`. */
  tag: "en" | "zh-CN" | "es" | "pt-BR" | "ar";
  /** Its name in itself, for the switcher. */
  name: string;
  dir: "ltr" | "rtl";
  /** Loads the messages (English is in the main bundle; the others are small chunks loaded on demand). */
  load(): Promise<Messages>;
};

export const LANGUAGES: readonly Language[] = [
  { tag: "en", name: "English", dir: "ltr", load: async () => en },
  { tag: "zh-CN", name: "简体中文", dir: "ltr", load: async () => (await import("./messages/zhCN.js")).zhCN },
  { tag: "es", name: "Español", dir: "ltr", load: async () => (await import("./messages/es.js")).es },
  { tag: "pt-BR", name: "Português (Brasil)", dir: "ltr", load: async () => (await import("./messages/ptBR.js")).ptBR },
  { tag: "ar", name: "العربية", dir: "rtl", load: async () => (await import("./messages/ar.js")).ar },
];

/**
 * The page's language for a list of preferred tags (`navigator.languages`, or a saved choice first):
 * the first whose primary subtag the page speaks (`zh-TW` gets simplified Chinese, `pt-PT` Brazilian
 * Portuguese: closer than English for those readers); English when none matches.
 */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    const match = LANGUAGES.find((language) => language.tag.toLowerCase().split("-")[0] === primary);
    if (match !== undefined) return match;
  }
  return LANGUAGES[0]!;
}
