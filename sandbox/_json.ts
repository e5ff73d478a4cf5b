// JSON with numbers written exactly as given. Amazon writes Ads profile ids
// as bare JSON numbers of up to 16 digits, beyond 2^53, and money in the v0
// finance API as numbers; a client that lets JSON.parse round them breaks.
// The sandbox writes the digits it means, so that trap is reproduced.

/** A number to be written verbatim, e.g. `new RawNumber("3477014444444444")`. */
export class RawNumber {
  readonly text: string;
  constructor(text: string) {
    if (!/^-?\d+(\.\d+)?$/.test(text)) {
      throw new RangeError(`not a JSON number: ${text}`);
    }
    this.text = text;
  }
  toJSON(): string {
    return `\u0000RAW${this.text}\u0000`;
  }
}

/** Shorthand for `new RawNumber(text)`. */
export const raw = (text: string): RawNumber => new RawNumber(text);

const MARK = /"\\u0000RAW(-?\d+(?:\.\d+)?)\\u0000"/g;

/** JSON.stringify that writes RawNumber values as bare numbers. */
export function stringify(value: unknown): string {
  return JSON.stringify(value).replace(MARK, "$1");
}
