// Report documents in the encoding Amazon declares (facts §7.2 item 5): EU
// flat files come as `text/plain;charset=Cp1252`, Japanese ones as
// Shift_JIS / windows-31j, settlement reports with no charset at all.
// TextDecoder knows the WHATWG labels; Java's names are mapped to them.

/** Java charset names Amazon uses → WHATWG encoding labels. */
const JAVA_NAMES: Record<string, string> = {
  cp1252: "windows-1252",
  "windows-31j": "shift_jis",
  ms932: "shift_jis",
  cp932: "shift_jis",
  sjis: "shift_jis",
  "8859_1": "iso-8859-1",
  iso8859_1: "iso-8859-1",
  utf8: "utf-8",
};

/** The `charset` parameter of a Content-Type, or null. */
export function declaredCharset(contentType: string | null): string | null {
  if (!contentType) return null;
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return m ? m[1] : null;
}

/**
 * The TextDecoder encoding for a declared charset, or null when none is
 * declared or the name is unknown (the caller then falls back).
 */
export function encodingFor(charset: string | null): string | null {
  if (!charset) return null;
  const label = JAVA_NAMES[charset.toLowerCase()] ?? charset;
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return null;
  }
}

/** Bytes at the end of `b` that begin a UTF-8 sequence not yet complete. */
function pendingUtf8(b: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const byte = b[b.length - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    if (byte < 0xc0) return 0;
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return need > back ? back : 0;
  }
  return 0;
}

/**
 * A bytes → text stream for a document with this Content-Type: decoded by
 * the declared charset; with none (or an unknown one), as UTF-8 until a byte
 * sequence is not UTF-8, then as windows-1252 from there on (the encoding of
 * Amazon's EU flat files, and a superset of ASCII that decodes every byte).
 * `encoding()` tells which was used, once the stream is read.
 */
export function documentDecoder(contentType: string | null): {
  stream: TransformStream<Uint8Array, string>;
  encoding(): string;
} {
  const declared = encodingFor(declaredCharset(contentType));
  if (declared) {
    const decoder = new TextDecoder(declared);
    return {
      stream: new TransformStream({
        transform(chunk, out) {
          const s = decoder.decode(chunk, { stream: true });
          if (s) out.enqueue(s);
        },
        flush(out) {
          const s = decoder.decode();
          if (s) out.enqueue(s);
        },
      }),
      encoding: () => declared,
    };
  }
  let utf8: TextDecoder | null = new TextDecoder("utf-8", { fatal: true });
  const fallback = new TextDecoder("windows-1252");
  let held = new Uint8Array(0);
  return {
    stream: new TransformStream({
      transform(chunk, out) {
        if (utf8) {
          try {
            const s = utf8.decode(chunk, { stream: true });
            const tail = pendingUtf8(chunk);
            held = tail ? chunk.slice(chunk.length - tail) : new Uint8Array(0);
            if (s) out.enqueue(s);
            return;
          } catch {
            utf8 = null;
            const joined = new Uint8Array(held.length + chunk.length);
            joined.set(held);
            joined.set(chunk, held.length);
            chunk = joined;
          }
        }
        const s = fallback.decode(chunk, { stream: true });
        if (s) out.enqueue(s);
      },
      flush(out) {
        if (utf8) {
          try {
            const s = utf8.decode();
            if (s) out.enqueue(s);
            return;
          } catch {
            utf8 = null;
            const s = fallback.decode(held);
            if (s) out.enqueue(s);
            return;
          }
        }
        const s = fallback.decode();
        if (s) out.enqueue(s);
      },
    }),
    encoding: () => (utf8 ? "utf-8" : "windows-1252"),
  };
}
