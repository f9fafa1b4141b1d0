/**
 * The panel's strings and number format. The extension puts the translated table and the user's
 * locale on the script tag (previewHtml.ts); without them (an old page, a test) the panel is English.
 */
import { formatString, PREVIEW_STRINGS, type PreviewL10n, type PreviewStringKey } from '../../src/protocol/previewStrings';

let strings: Record<PreviewStringKey, string> = { ...PREVIEW_STRINGS };
let locale = 'en';

/** Reads the table the extension put on the page; keeps English for anything missing or malformed. */
export function loadL10n(json: string | undefined): void {
  if (!json) {
    return;
  }
  try {
    const parsed = JSON.parse(json) as Partial<PreviewL10n>;
    const given = typeof parsed.strings === 'object' && parsed.strings !== null ? (parsed.strings as Record<string, unknown>) : {};
    for (const key of Object.keys(PREVIEW_STRINGS) as PreviewStringKey[]) {
      const value = given[key];
      if (typeof value === 'string' && value !== '') {
        strings[key] = value;
      }
    }
    if (typeof parsed.locale === 'string' && Intl.NumberFormat.supportedLocalesOf([parsed.locale]).length > 0) {
      locale = parsed.locale;
    }
  } catch {
    strings = { ...PREVIEW_STRINGS };
  }
}

/** The string `key` in the user's language, with `{0}`… filled. */
export function t(key: PreviewStringKey, ...args: (string | number)[]): string {
  return formatString(strings[key], ...args);
}

/** The user's locale (a BCP 47 tag such as `de` or `en-us`). */
export function userLocale(): string {
  return locale;
}
