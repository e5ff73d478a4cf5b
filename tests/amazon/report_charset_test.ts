// Report documents are decoded by the charset their download declares
// (Cp1252 in the EU, Shift_JIS in Japan), with a fallback when none is
// declared, and a warning when replacement characters appear. The bytes are
// the sandbox's own (its `flatFileCharsets: "amazon"` encoders).
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import { documentDecoder } from "../../lib/amazon/charset.ts";
import {
  obtainReport,
  type ReportDeps,
  reportLines,
} from "../../lib/amazon/reports.ts";
import type { SpClient } from "../../lib/amazon/sp_client.ts";
import {
  accessToken,
  amazonCharset,
  encodeCharset,
  type Json,
  sp,
  testClock,
  withSandbox,
} from "../../sandbox/testing.ts";
import { openTestDatabase } from "../_helpers/test_db.ts";

const REPORTS = "/reports/2021-06-30";
const GERMAN = "Gebühr für Lagerüberschreitung";
const JAPANESE = "竹製まな板 3枚セット【日本製】";

async function decode(bytes: Uint8Array, contentType: string | null) {
  const d = documentDecoder(contentType);
  let text = "";
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(d.stream);
  for await (const s of stream) text += s;
  return { text, encoding: d.encoding() };
}

Deno.test("charset: the declared charset decodes the document, Java names included", async () => {
  assert.equal(amazonCharset(["A1PA6795UKMFR9"]), "Cp1252");
  assert.equal(amazonCharset(["A1VC38T7YXB528"]), "Shift_JIS");
  assert.equal(amazonCharset(["ATVPDKIKX0DER"]), "UTF-8");
  const cp = encodeCharset(GERMAN, "Cp1252");
  const sj = encodeCharset(JAPANESE, "Shift_JIS");
  assert.equal(cp.length, GERMAN.length); // one byte per character
  for (
    const [bytes, type, want, enc] of [
      [cp, "text/plain;charset=Cp1252", GERMAN, "windows-1252"],
      [cp, "text/plain; charset=windows-1252", GERMAN, "windows-1252"],
      [cp, "text/plain;charset=ISO-8859-1", GERMAN, "windows-1252"],
      [sj, "text/plain;charset=Shift_JIS", JAPANESE, "shift_jis"],
      [sj, "text/plain;charset=windows-31j", JAPANESE, "shift_jis"],
      [
        new TextEncoder().encode(JAPANESE),
        "text/tab-separated-values;charset=UTF-8",
        JAPANESE,
        "utf-8",
      ],
      // No charset: UTF-8 while the bytes are UTF-8, else windows-1252.
      [new TextEncoder().encode(GERMAN), "text/plain", GERMAN, "utf-8"],
      [cp, "text/plain", GERMAN, "windows-1252"],
      [cp, null, GERMAN, "windows-1252"],
      [cp, "text/plain;charset=x-unknown", GERMAN, "windows-1252"],
    ] as const
  ) {
    assert.deepEqual(await decode(bytes, type), { text: want, encoding: enc });
  }
});

Deno.test("charset: no charset, a UTF-8 prefix then Cp1252 bytes across chunks", async () => {
  const d = documentDecoder(null);
  const ascii = new TextEncoder().encode("sku\ttitle\nA\tx");
  const tail = encodeCharset("é Gebühr", "Cp1252");
  let text = "";
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(ascii);
      c.enqueue(tail.subarray(0, 1)); // 0xE9 alone: could start UTF-8
      c.enqueue(tail.subarray(1));
      c.close();
    },
  }).pipeThrough(d.stream);
  for await (const s of stream) text += s;
  assert.equal(text, "sku\ttitle\nA\txé Gebühr");
});

async function gzipped(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(
    await new Response(
      new Blob([bytes as BlobPart]).stream().pipeThrough(
        new CompressionStream("gzip"),
      ),
    ).arrayBuffer(),
  );
}

Deno.test("charset: report lines of Cp1252 and Shift_JIS documents, a warning for replacement characters", async () => {
  await using t = await openTestDatabase();
  const storeId = await registerStore(t.db, {
    sellerId: "ACHARSETSELLER",
    region: "EU",
    name: "DE",
    marketplaces: [],
  });
  const kv = await Deno.openKv(":memory:");
  try {
    const docs: Record<string, { bytes: Uint8Array; type: string }> = {
      de: {
        bytes: await gzipped(
          encodeCharset(`sku\tdescription\nSKU-Ü1\t${GERMAN}\n`, "Cp1252"),
        ),
        type: "text/plain;charset=Cp1252",
      },
      jp: {
        bytes: await gzipped(
          encodeCharset(`sku\ttitle\nSKU-1\t${JAPANESE}\n`, "Shift_JIS"),
        ),
        type: "text/plain;charset=windows-31j",
      },
      // Declared UTF-8 but written in Cp1252: the run is warned.
      lie: {
        bytes: await gzipped(
          encodeCharset(`sku\ttitle\nSKU-1\t${GERMAN}\n`, "Cp1252"),
        ),
        type: "text/plain;charset=UTF-8",
      },
    };
    const sp = {
      call: (req: { path: string }) =>
        Promise.resolve({
          body: {
            url: `https://docs.example/${req.path.split("/").pop()}`,
            compressionAlgorithm: "GZIP",
          },
        }),
    } as unknown as SpClient;
    const warnings: { line: number; source: string; reason: string }[] = [];
    const deps: ReportDeps = {
      sp,
      db: t.db,
      kv,
      storeId,
      region: "EU",
      fetch: (url) => {
        const doc = docs[String(url).split("/").pop()!];
        return Promise.resolve(
          new Response(doc.bytes as BodyInit, {
            headers: { "content-type": doc.type },
          }),
        );
      },
      onWarning: (w) => warnings.push(w),
      freshnessMinutes: 60,
      fatalCooldownMinutes: 60,
      pollMs: 1,
      timeoutMs: 1000,
    };
    const lines = async (id: string) => {
      const out: string[] = [];
      for await (const l of reportLines(deps, { reportDocumentId: id })) {
        out.push(l.text);
      }
      return out;
    };
    assert.deepEqual(await lines("de"), [
      "sku\tdescription",
      `SKU-Ü1\t${GERMAN}`,
    ]);
    assert.deepEqual(await lines("jp"), ["sku\ttitle", `SKU-1\t${JAPANESE}`]);
    assert.deepEqual(warnings, []);
    const lie = await lines("lie");
    assert.match(lie[1], /\uFFFD/);
    assert.deepEqual(warnings, [{
      line: 2,
      source: "lie",
      reason: "replacement characters in the text: bytes not valid in utf-8",
    }]);
    // One API-log row per download.
    const [{ n }] = await t.db.asJob(
      storeId,
      async (tx) =>
        rowsOf<{ n: number }>(
          await tx.execute(
            sql`select count(*)::int as n from api_request_log where operation = 'downloadReportDocument'`,
          ),
        ),
    );
    assert.equal(n, 3);
  } finally {
    kv.close();
  }
});

Deno.test("charset: the sandbox serves EU flat files as Cp1252 when asked", async () => {
  const clock = testClock();
  await withSandbox(
    { clock, stores: 2, orders: 40, flatFileCharsets: "amazon" },
    async (sb) => {
      const seller = sb.sandbox.sellers.find((s) => s.region === "EU")!;
      assert.ok(seller, "an EU seller");
      const token = await accessToken(sb, sb.sandbox.sellers.indexOf(seller));
      const created = await sp(sb, token, `${REPORTS}/reports`, {
        method: "POST",
        body: JSON.stringify({
          reportType: "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
          marketplaceIds: seller.marketplaceIds,
          dataStartTime: new Date(clock.now() - 30 * 86_400_000)
            .toISOString(),
        }),
      });
      assert.equal(created.status, 202, created.text);
      let report: Json = null;
      for (let i = 0; i < 10; i++) {
        const r = await sp(
          sb,
          token,
          `${REPORTS}/reports/${created.body.reportId}`,
        );
        report = r.body;
        if (report.processingStatus === "DONE") break;
      }
      assert.equal(report.processingStatus, "DONE");
      const doc = await sp(
        sb,
        token,
        `${REPORTS}/documents/${encodeURIComponent(report.reportDocumentId)}`,
      );
      const res = await fetch(doc.body.url);
      assert.equal(
        res.headers.get("content-type"),
        "text/plain;charset=Cp1252",
      );
      const inflated = new Uint8Array(
        await new Response(
          res.body!.pipeThrough(new DecompressionStream("gzip")),
        ).arrayBuffer(),
      );
      const { text, encoding } = await decode(
        inflated,
        res.headers.get("content-type"),
      );
      assert.equal(encoding, "windows-1252");
      assert.ok(text.startsWith("amazon-order-id\tmerchant-order-id\t"));
      assert.ok(!text.includes("\uFFFD"));
      // The same document read as UTF-8 would not be the same text whenever
      // it holds a non-ASCII character.
      if (/[^\t\n\r\x20-\x7e]/.test(text)) {
        assert.notEqual(new TextDecoder().decode(inflated), text);
      }
    },
  );
});

Deno.test("reports: a report whose processing failed is requested again, not reused", async () => {
  await using t = await openTestDatabase();
  const storeId = await registerStore(t.db, {
    sellerId: "AFAILEDREPORT",
    region: "NA",
    name: "US",
    marketplaces: [],
  });
  const kv = await Deno.openKv(":memory:");
  try {
    const calls: string[] = [];
    let n = 0;
    const sp = {
      call: (req: { operation: string }) => {
        calls.push(req.operation);
        if (req.operation === "createReport") {
          return Promise.resolve({ body: { reportId: `R${++n}` } });
        }
        if (req.operation === "getReport") {
          return Promise.resolve({
            body: {
              reportId: `R${n}`,
              processingStatus: "DONE",
              reportDocumentId: `D${n}`,
            },
          });
        }
        return Promise.resolve({ body: { url: "https://docs.example/d" } });
      },
    } as unknown as SpClient;
    const deps: ReportDeps = {
      sp,
      db: t.db,
      kv,
      storeId,
      region: "NA",
      fetch: () =>
        Promise.resolve(
          new Response("a\tb\n1\t2\n3\t4\n", {
            headers: { "content-type": "text/plain;charset=UTF-8" },
          }),
        ),
      freshnessMinutes: 60,
      fatalCooldownMinutes: 60,
      pollMs: 1,
      timeoutMs: 1000,
    };
    const req = {
      reportType: "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE",
      marketplaceIds: ["ATVPDKIKX0DER"],
    };
    const first = await obtainReport(deps, req);
    assert.equal(first.status === "DONE" && first.reportDocumentId, "D1");
    // Read to the end: the report is reused by the next call.
    for await (const _ of reportLines(deps, { reportDocumentId: "D1" })) {
      // every line
    }
    const again = await obtainReport(deps, req);
    assert.equal(again.status === "DONE" && again.reused, true);
    // Processing fails on line 2: the next call requests a new report.
    await assert.rejects(async () => {
      for await (const l of reportLines(deps, { reportDocumentId: "D1" })) {
        if (l.line === 2) throw new Error("cannot store line 2");
      }
    }, /cannot store line 2/);
    const fresh = await obtainReport(deps, req);
    assert.deepEqual(
      fresh.status === "DONE" && [fresh.reportDocumentId, fresh.reused],
      ["D2", false],
    );
    assert.equal(calls.filter((c) => c === "createReport").length, 2);
  } finally {
    kv.close();
  }
});
