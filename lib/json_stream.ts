// The one streaming splitter of JSON arrays, for report documents too large
// to hold (facts §4.8, §5.6): the Ads API's reports are one top-level array,
// Sales & Traffic and Brand Analytics search terms are an object whose named
// top-level arrays hold the rows. Elements are cut out as their text arrives,
// whatever the chunking, and handed on unparsed with their position; only
// the element being read is buffered. A document that ends before its
// top-level value closes, or that is not the value expected, is a
// SyntaxError: a cut-off document is never taken for a complete one.
//
// Reading a document that arrives as lines (`reportLines`) costs one newline
// per line; a document written on one single line is buffered whole by the
// line splitter upstream (Amazon writes these reports pretty-printed).

/** One element of a streamed array, its text not yet parsed. */
export interface JsonElement {
  /** The top-level key of its array; null when the document is the array. */
  key: string | null;
  /** 1-based position in its array. */
  index: number;
  /** 1-based document line where the element starts. */
  line: number;
  /** The element's JSON text (a scalar's without surrounding blanks). */
  text: string;
}

const OPEN_OBJECT = 123, CLOSE_OBJECT = 125, OPEN_ARRAY = 91, CLOSE_ARRAY = 93;
const QUOTE = 34, BACKSLASH = 92, COMMA = 44, NEWLINE = 10, BOM = 0xfeff;
const isBlank = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * Splits the arrays of a streamed JSON document into their elements. With
 * no `keys`, the document must be an array and its elements are yielded;
 * with `keys`, it must be an object and the elements of the top-level arrays
 * named in `keys` are yielded, in document order (other values are skipped).
 * A malformed element is still cut at its brackets, for the caller's parser
 * to refuse; throws SyntaxError when the document is not of that shape or
 * ends early.
 *
 * @example
 * for await (const e of splitJsonArrays(body.pipeThrough(new TextDecoderStream()))) JSON.parse(e.text);
 * for await (const e of splitJsonArrays(chunks, ["salesAndTrafficByDate"])) …
 */
export async function* splitJsonArrays(
  chunks: AsyncIterable<string>,
  keys?: readonly string[],
): AsyncGenerator<JsonElement> {
  const keyed = keys !== undefined;
  /** The depth at which the wanted arrays' elements begin. */
  const elementDepth = keyed ? 2 : 1;
  let depth = 0;
  let started = false;
  let closed = false;
  let inString = false;
  let escaped = false;
  let line = 1;
  /** A string being read at depth 1 of an object (a key, or a value). */
  let keyText: string | null = null;
  let lastKey = "";
  /** Inside a wanted array (at `elementDepth`)? Its key, if keyed. */
  let inArray = false;
  let arrayKey: string | null = null;
  let index = 0;
  /** The element being captured: earlier chunks' text, where it starts. */
  let pieces: string[] | null = null;
  let scalar = false;
  let itemLine = 0;
  for await (const chunk of chunks) {
    let from = 0;
    const take = (end: number) => {
      const text = pieces!.length
        ? pieces!.join("") + chunk.slice(from, end)
        : chunk.slice(from, end);
      pieces = null;
      index++;
      return {
        key: arrayKey,
        index,
        line: itemLine,
        text: scalar ? text.trim() : text,
      };
    };
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) line++;
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
        if (keyText !== null) keyText += chunk[i];
        continue;
      }
      if (depth === 0) {
        if (isBlank(c) || (c === BOM && !started)) continue;
        if (closed) {
          throw new SyntaxError(`text after the ${keyed ? "object" : "array"}`);
        }
        if (c !== (keyed ? OPEN_OBJECT : OPEN_ARRAY)) {
          throw new SyntaxError(
            `the document is not ${keyed ? "an object" : "an array"}`,
          );
        }
        started = true;
        depth = 1;
        if (!keyed) inArray = true;
        continue;
      }
      if (inArray && pieces === null && depth === elementDepth) {
        if (isBlank(c) || c === COMMA) continue;
        if (c !== CLOSE_ARRAY) {
          pieces = [];
          from = i;
          itemLine = line;
          scalar = c !== OPEN_OBJECT && c !== OPEN_ARRAY;
        }
      }
      if (c === QUOTE) {
        inString = true;
        if (keyed && depth === 1) keyText = "";
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (
          keyed && depth === 1 && c === OPEN_ARRAY && keys.includes(lastKey)
        ) {
          inArray = true;
          arrayKey = lastKey;
          index = 0;
        }
        depth++;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (pieces !== null && scalar && depth === elementDepth) {
          yield take(i); // the array's bracket ends a scalar element
        }
        depth--;
        if (pieces !== null && !scalar && depth === elementDepth) {
          yield take(i + 1);
        } else if (inArray && depth === elementDepth - 1) {
          inArray = false;
          arrayKey = null;
        }
        if (depth === 0) closed = true;
      } else if (
        c === COMMA && pieces !== null && scalar && depth === elementDepth
      ) {
        yield take(i);
      }
    }
    if (pieces !== null) {
      (pieces as string[]).push(chunk.slice(from));
    }
  }
  if (!closed || depth !== 0) {
    throw new SyntaxError(
      started ? "the document ends early" : "the document is empty",
    );
  }
}

/** Lines (`reportLines`) as the text they came from, for `splitJsonArrays`. */
export async function* linesText(
  lines: AsyncIterable<{ text: string }>,
): AsyncGenerator<string> {
  for await (const { text } of lines) yield `${text}\n`;
}

/** One parsed element, or why it could not be parsed. */
export type ArrayItem =
  & Omit<JsonElement, "text" | "key">
  & { key: string }
  & ({ value: unknown } | { error: string });

/**
 * The elements of a line-by-line JSON report's top-level arrays named in
 * `keys`, parsed; a malformed element comes with `error` and the reading
 * goes on with the next one.
 *
 * @example
 * for await (const it of jsonArrayItems(reportLines(deps, r), ["dataByDepartmentAndSearchTerm"])) …
 */
export async function* jsonArrayItems(
  lines: AsyncIterable<{ text: string }>,
  keys: readonly string[],
): AsyncGenerator<ArrayItem> {
  for await (const e of splitJsonArrays(linesText(lines), keys)) {
    const at = { key: e.key!, index: e.index, line: e.line };
    let value: unknown;
    try {
      value = JSON.parse(e.text);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      // The parser's message quotes the text: not repeated.
      yield { ...at, error: "not valid JSON" };
      continue;
    }
    yield { ...at, value };
  }
}
