// Issue #17: a document's text as the blocks a page draws — headings,
// paragraphs and bullet lists — so that an owner writes plain text and the
// page never renders it as markup (the views print every block as text).
//
// The rules, for the editor's help text too: blocks are separated by a
// blank line; a one-line block "N. Title" is a numbered section heading; a
// short one-line block without closing punctuation ("Contact Email") is a
// heading; a block whose lines all start with "- ", "* " or "• " is a
// bullet list; anything else is a paragraph (its line breaks kept).

export type Block =
  | { type: "heading"; text: string; number: number | null; id: string }
  | { type: "paragraph"; lines: string[] }
  | { type: "list"; items: string[] };

const NUMBERED = /^(\d{1,3})\.\s+(\S.*)$/;
const BULLET = /^[-*•]\s+/;
/** Closing punctuation of a sentence, in English and Chinese. */
const SENTENCE_END = /[.,;:!?。，；：！？)）]$/;
const HEADING_MAX = 80;

/** Splits `text` into blocks (see the rules above). */
export function documentBlocks(text: string): Block[] {
  const chunks = text.replace(/\r\n?/g, "\n").split(/\n[ \t]*\n/);
  const blocks: Block[] = [];
  const used = new Set<string>();
  const headingId = (base: string) => {
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  };
  for (const chunk of chunks) {
    const lines = chunk.split("\n").map((l) => l.trim()).filter(Boolean);
    if (lines.length === 0) continue;
    const numbered = lines.length === 1 ? NUMBERED.exec(lines[0]) : null;
    if (numbered && lines[0].length <= HEADING_MAX + 5) {
      const number = Number(numbered[1]);
      blocks.push({
        type: "heading",
        text: lines[0],
        number,
        id: headingId(`section-${number}`),
      });
    } else if (lines.every((l) => BULLET.test(l))) {
      blocks.push({
        type: "list",
        items: lines.map((l) => l.replace(BULLET, "")),
      });
    } else if (
      lines.length === 1 && lines[0].length <= HEADING_MAX &&
      !SENTENCE_END.test(lines[0])
    ) {
      blocks.push({
        type: "heading",
        text: lines[0],
        number: null,
        id: headingId(`part-${blocks.length + 1}`),
      });
    } else {
      blocks.push({ type: "paragraph", lines });
    }
  }
  return blocks;
}
