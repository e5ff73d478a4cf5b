// Streaming reads of JSON report documents (Sales & Traffic, Brand Analytics
// search terms): the elements of a top-level array are yielded one by one
// as the document's lines arrive, so a search terms report of millions of
// rows never sits in memory whole (facts §4.8). Only the element being read
// is buffered. The limit is the line splitter upstream: a document written
// on one single line is buffered whole by `reportLines` before it gets here
// (Amazon writes these reports pretty-printed, one value per line).
import type { DocumentLine } from "../amazon/reports.ts";

/** One element of a streamed array, or why it could not be parsed. */
export type ArrayItem =
  & {
    /** The array's key in the top-level object. */
    key: string;
    /** 1-based position in its array. */
    index: number;
    /** Document line where the element starts. */
    line: number;
  }
  & ({ value: unknown } | { error: string });

const OPEN_OBJECT = 123, CLOSE_OBJECT = 125, OPEN_ARRAY = 91, CLOSE_ARRAY = 93;
const QUOTE = 34, BACKSLASH = 92;

/**
 * Yields the object elements of the top-level arrays named in `keys`, in
 * document order. A malformed element is yielded with `error` (and the
 * reading goes on with the next one).
 *
 * @example
 * for await (const it of jsonArrayItems(reportLines(deps, r), ["dataByDepartmentAndSearchTerm"])) …
 */
export async function* jsonArrayItems(
  lines: AsyncIterable<DocumentLine>,
  keys: readonly string[],
): AsyncGenerator<ArrayItem> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** A string being read at depth 1 (a key of the top-level object). */
  let keyText: string | null = null;
  let lastKey = "";
  /** The key of the wanted array we are inside, if any. */
  let target: string | null = null;
  let index = 0;
  /** The element being captured: its text so far and where it started. */
  let pieces: string[] | null = null;
  let itemLine = 0;
  for await (const { line, text } of lines) {
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          inString = false;
          if (keyText !== null) {
            lastKey = keyText;
            keyText = null;
          }
          continue;
        }
        if (keyText !== null) keyText += text[i];
        continue;
      }
      if (c === QUOTE) {
        inString = true;
        if (depth === 1) keyText = "";
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (depth === 1 && c === OPEN_ARRAY && keys.includes(lastKey)) {
          target = lastKey;
          index = 0;
        } else if (target !== null && depth === 2 && c === OPEN_OBJECT) {
          pieces = [];
          from = i;
          itemLine = line;
        }
        depth++;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth--;
        if (pieces !== null && depth === 2) {
          pieces.push(text.slice(from, i + 1));
          const source = pieces.join("\n");
          pieces = null;
          index++;
          let value: unknown;
          let ok = true;
          try {
            value = JSON.parse(source);
          } catch {
            ok = false; // the parser's message quotes the text: not repeated
          }
          yield ok
            ? { key: target!, index, line: itemLine, value }
            : { key: target!, index, line: itemLine, error: "not valid JSON" };
        } else if (target !== null && depth === 1) target = null;
      }
    }
    if (pieces !== null) {
      pieces.push(text.slice(from));
      from = 0;
    }
  }
}
