// Flat-file charsets as Amazon serves them (the `flatFileCharsets: "amazon"`
// option): EU flat files as `text/plain;charset=Cp1252`, Japanese ones as
// `Shift_JIS`; elsewhere UTF-8. Encoders for the two legacy charsets, built
// from the platform's decoders (TextEncoder only writes UTF-8).
import { MARKETPLACES } from "./world/reference.ts";

export type FlatFileCharset = "UTF-8" | "Cp1252" | "Shift_JIS";

/** The charset Amazon uses for a flat file of these marketplaces. */
export function amazonCharset(
  marketplaceIds: readonly string[],
): FlatFileCharset {
  const m = MARKETPLACES.find((m) => m.id === marketplaceIds[0]);
  if (m?.countryCode === "JP") return "Shift_JIS";
  if (m?.region === "EU") return "Cp1252";
  return "UTF-8";
}

let cp1252: Map<string, number> | null = null;
let sjis: Map<string, number> | null = null;

function tableOf(label: string, twoBytes: boolean): Map<string, number> {
  const map = new Map<string, number>();
  const dec = new TextDecoder(label);
  for (let b = 0; b < 256; b++) {
    const s = dec.decode(new Uint8Array([b]));
    if (s.length === 1 && s !== "\uFFFD" && !map.has(s)) map.set(s, b);
  }
  if (twoBytes) {
    for (let hi = 0x81; hi <= 0xfc; hi++) {
      for (let lo = 0x40; lo <= 0xfc; lo++) {
        const s = dec.decode(new Uint8Array([hi, lo]));
        if (s.length === 1 && s !== "\uFFFD" && !map.has(s)) {
          map.set(s, (hi << 8) | lo);
        }
      }
    }
  }
  return map;
}

/** Text as bytes in `charset`; characters it cannot hold become "?". */
export function encodeCharset(
  text: string,
  charset: FlatFileCharset,
): Uint8Array {
  if (charset === "UTF-8") return new TextEncoder().encode(text);
  const table = charset === "Cp1252"
    ? (cp1252 ??= tableOf("windows-1252", false))
    : (sjis ??= tableOf("shift_jis", true));
  const out: number[] = [];
  for (const ch of text) {
    const code = table.get(ch) ?? 0x3f;
    if (code > 0xff) out.push(code >> 8, code & 0xff);
    else out.push(code);
  }
  return new Uint8Array(out);
}

/** A text stream encoded in `charset`. */
export function charsetEncoder(
  charset: FlatFileCharset,
): TransformStream<string, Uint8Array> {
  return new TransformStream({
    transform(chunk, out) {
      out.enqueue(encodeCharset(chunk, charset));
    },
  });
}
