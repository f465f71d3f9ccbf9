/**
 * Words that say thanks, hello or okay and nothing more, in the languages the desk speaks. A
 * customer channel is a conversation: "tack!" after a solution must not open a ticket.
 */
const PLEASANTRIES = new Set([
  // English
  'thanks',
  'thank you',
  'thank you so much',
  'thanks a lot',
  'many thanks',
  'thx',
  'ty',
  'cheers',
  'ok',
  'okay',
  'k',
  'great',
  'perfect',
  'awesome',
  'nice',
  'cool',
  'got it',
  'sounds good',
  'hi',
  'hello',
  'hey',
  'good morning',
  'bye',
  'yes',
  'no',
  'sure',
  'will do',
  'noted',
  // Swedish
  'tack',
  'tack så mycket',
  'tusen tack',
  'stort tack',
  'tackar',
  'toppen',
  'super',
  'perfekt',
  'bra',
  'jättebra',
  'okej',
  'hej',
  'hejsan',
  'god morgon',
  'hej då',
  'ja',
  'nej',
  'absolut',
  'uppfattat',
  'noterat',
  'kanon',
  'schysst',
]);

/**
 * True when `text` is only a pleasantry: one of the words above, whatever its case, punctuation,
 * emoji (`:pray:` or 🙏) and trailing "!"s, possibly followed by a name ("thanks Anna!").
 */
export function isPleasantry(text: string): boolean {
  const words = text
    .toLowerCase()
    .replace(/:[a-z0-9_+-]+:/g, ' ')
    .replace(/[\p{P}\p{S}\p{Extended_Pictographic}]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) return true;
  // The phrase, or the phrase and one more word: a name, "all", "again".
  for (const length of [words.length, words.length - 1]) {
    if (length > 0 && PLEASANTRIES.has(words.slice(0, length).join(' '))) return true;
  }
  return false;
}
