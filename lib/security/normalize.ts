// Text folded for comparison (issue #11: the "no name in the password" rule
// was bypassed with a zero-width joiner, a soft hyphen or a look-alike
// letter). `comparable` is never stored or hashed: it only decides whether
// two strings look the same to a person.
//
// 1. NFKC: compatibility forms become plain ones (ｊｏｈｎ, 𝐣𝐨𝐡𝐧 → john).
// 2. Default-ignorable code points go: they render as nothing (U+00AD soft
//    hyphen, U+200B–U+200D zero-width space and joiners, U+2060 word joiner,
//    U+FEFF, variation selectors, …).
// 3. Lower case, then accents stripped (NFD without combining marks): ö → o.
// 4. Letters of other scripts that look like Latin ones become those
//    (Cyrillic а, е, о, р, с …; Greek ο, ν, ρ …): the common cases of
//    Unicode's confusables list, not the whole list.

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
const MARKS = /\p{M}/gu;

/** Lower-case look-alikes → the Latin letter they pass for. */
const LOOK_ALIKES: Record<string, string> = {
  // Cyrillic
  "а": "a",
  "в": "b",
  "е": "e",
  "ё": "e",
  "һ": "h",
  "і": "i",
  "ї": "i",
  "ј": "j",
  "к": "k",
  "м": "m",
  "н": "h",
  "о": "o",
  "р": "p",
  "с": "c",
  "т": "t",
  "у": "y",
  "х": "x",
  "ѕ": "s",
  "ԁ": "d",
  "ԛ": "q",
  "ԝ": "w",
  "ӏ": "l",
  "ɡ": "g",
  // Greek
  "α": "a",
  "β": "b",
  "ε": "e",
  "η": "n",
  "ι": "i",
  "κ": "k",
  "ν": "v",
  "ο": "o",
  "ρ": "p",
  "τ": "t",
  "υ": "u",
  "χ": "x",
  "ω": "w",
  // Latin letters that pass for others
  "ı": "i",
  "ȷ": "j",
  "ł": "l",
  "ø": "o",
  "đ": "d",
  "ß": "ss",
};
const LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).join("")}]`, "gu");

/**
 * `text` folded so that strings a person reads as the same compare equal.
 *
 * @example
 * comparable("Jo\u200Dhn") === comparable("john") // true
 * comparable("Ѕmith") === comparable("smith")      // true (Cyrillic Ѕ)
 */
export function comparable(text: string): string {
  return text.normalize("NFKC")
    .replace(IGNORABLE, "")
    .toLowerCase()
    .normalize("NFD")
    .replace(MARKS, "")
    .replace(LOOK_ALIKE, (ch) => LOOK_ALIKES[ch] ?? ch)
    .normalize("NFC");
}
