// Language codes as people read them ("French", not "fre"). Providers send ISO 639-2 (Gong "eng", "fre"),
// ISO 639-1 or BCP 47 tags (Salesloft "es-ES"); Intl.DisplayNames reads all of them. Pure: safe anywhere.

const names = new Intl.DisplayNames(["en"], { type: "language", languageDisplay: "standard", fallback: "none" });

/** The English name of a language code, or the code itself when it is not one Intl knows. */
export function languageName(code: string | null | undefined): string | null {
  const raw = code?.trim();
  if (!raw) return null;
  try {
    return names.of(raw.replace(/_/g, "-")) ?? raw;
  } catch {
    return raw; // not a well-formed tag
  }
}
