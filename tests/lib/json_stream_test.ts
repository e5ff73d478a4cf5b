// The one streaming JSON array splitter, on both shapes of report document:
// a top-level array (Ads API reports) in any chunking, and an object whose
// named arrays hold the rows (Sales & Traffic, search terms) read as lines.
// A document cut off, or not of the shape expected, is refused.
import assert from "node:assert/strict";
import type { DocumentLine } from "../../lib/amazon/reports.ts";
import {
  jsonArrayItems,
  type JsonElement,
  splitJsonArrays,
} from "../../lib/json_stream.ts";

async function* chunksOf(text: string, size: number) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function all(
  it: AsyncIterable<JsonElement>,
): Promise<JsonElement[]> {
  const out: JsonElement[] = [];
  for await (const e of it) out.push(e);
  return out;
}

Deno.test("splitJsonArrays: splits a streamed array across any chunking, and refuses a cut-off one", async () => {
  const text =
    ' [{"a":"x]},{","b":[1,{"c":2}]} , {"d":"\\"}"}, 7, "s,]" ,null]\n';
  const expected = [
    '{"a":"x]},{","b":[1,{"c":2}]}',
    '{"d":"\\"}"}',
    "7",
    '"s,]"',
    "null",
  ];
  for (const size of [1, 2, 3, 7, 1000]) {
    const got = await all(splitJsonArrays(chunksOf(text, size)));
    assert.deepEqual(got.map((e) => e.text), expected, `chunks of ${size}`);
    assert.deepEqual(got.map((e) => e.index), [1, 2, 3, 4, 5]);
    assert.ok(got.every((e) => e.key === null && e.line === 1));
  }
  assert.deepEqual(await all(splitJsonArrays(chunksOf("\uFEFF[ ]", 1))), []);
  for (
    const bad of ['[{"a":1},{"b":', "", '{"a":[]}', "[1] 2", "[1,[2]"]
  ) {
    await assert.rejects(
      all(splitJsonArrays(chunksOf(bad, 3))),
      SyntaxError,
      JSON.stringify(bad),
    );
  }
});

async function* linesOf(text: string): AsyncGenerator<DocumentLine> {
  for (const [i, t] of text.split("\n").entries()) {
    yield { line: i + 1, text: t };
  }
}

const DOC = {
  reportSpecification: {
    reportType: "GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT",
    dataByDepartmentAndSearchTerm: [{ decoy: true }],
  },
  dataByDepartmentAndSearchTerm: [
    { searchTerm: 'braces } { and "quotes" ]', clickShareRank: 1 },
    { searchTerm: "nested", extra: { list: [1, { x: "}" }] } },
    { searchTerm: "back\\slash\\", n: -1.5e-3 },
  ],
  other: [{ skipped: 1 }],
};

Deno.test("jsonArrayItems: elements of a pretty-printed document, one by one", async () => {
  const pretty = JSON.stringify(DOC, null, 2);
  const items = [];
  for await (
    const it of jsonArrayItems(linesOf(pretty), [
      "dataByDepartmentAndSearchTerm",
    ])
  ) items.push(it);
  assert.deepEqual(
    items.map((it) => "value" in it ? it.value : it.error),
    DOC.dataByDepartmentAndSearchTerm,
  );
  assert.deepEqual(items.map((it) => it.index), [1, 2, 3]);
  assert.ok(items.every((it) => it.key === "dataByDepartmentAndSearchTerm"));
  // Each element is reported at the line where it starts.
  const lines = pretty.split("\n");
  for (const it of items) assert.equal(lines[it.line - 1].trim(), "{");

  // On one line too, and a malformed element is reported by position.
  const broken = JSON.stringify(DOC).replace('"nested"', '"nested",,');
  const out = [];
  for await (
    const it of jsonArrayItems(linesOf(broken), [
      "dataByDepartmentAndSearchTerm",
    ])
  ) out.push(it);
  assert.equal(out.length, 3);
  assert.ok("error" in out[1] && out[1].index === 2);
  assert.ok("value" in out[2]);
});

Deno.test("splitJsonArrays: keyed arrays in document order, in any chunking; a cut-off object is refused", async () => {
  const doc = {
    a: [{ n: 1 }, 2],
    skip: [{ n: 9 }],
    b: [],
    c: [[3], { n: 4 }],
  };
  const text = JSON.stringify(doc, null, 1);
  for (const size of [1, 5, 1000]) {
    const got = await all(splitJsonArrays(chunksOf(text, size), ["a", "c"]));
    assert.deepEqual(
      got.map((e) => [e.key, e.index, JSON.parse(e.text)]),
      [["a", 1, { n: 1 }], ["a", 2, 2], ["c", 1, [3]], ["c", 2, { n: 4 }]],
    );
  }
  const cut = text.slice(0, text.indexOf('"skip"'));
  await assert.rejects(
    all(splitJsonArrays(chunksOf(cut, 4), ["a"])),
    SyntaxError,
  );
  await assert.rejects(
    all(splitJsonArrays(chunksOf("[1]", 4), ["a"])),
    SyntaxError,
  );
});
