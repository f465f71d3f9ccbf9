/** The languages the desk speaks; every user-facing text exists in each. */
export const LOCALES = ['sv', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
