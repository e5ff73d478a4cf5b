// A front for bench/ingest.ts: answers the Reports API for one bench
// report whose document is a gzip file on disk (streamed, never read
// whole), and hands every other request (LWA tokens, the rest of SP-API)
// to the sandbox. The sandbox builds its documents in memory from its small
// world, so a 1M-line report has to come from here.
import { ALL_ORDERS_REPORT } from "../lib/sync/datasets/orders_report.ts";

const BASE = "/reports/2021-06-30";
const REPORT_ID = "BENCH-REPORT-1";
const DOCUMENT_ID = "amzn1.spdoc.1.4.na.bench-ingest";
const DOWNLOAD = "/bench-documents/all-orders.tsv.gz";

export interface ReportFront extends AsyncDisposable {
  url: string;
  /** Where requests the front does not answer go (the sandbox's app). */
  delegate: (req: Request) => Response | Promise<Response>;
  /** Calls answered per operation, to check the path that ran. */
  calls: Record<string, number>;
}

/** Starts the front on a free port, serving `gzipPath` as the document. */
export function startReportFront(gzipPath: string): ReportFront {
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), {
      status,
      headers: {
        "content-type": "application/json",
        "x-amzn-RequestId": crypto.randomUUID(),
      },
    });
  let created: Record<string, unknown> | null = null;
  const front: ReportFront = {
    url: "",
    delegate: () => new Response("no sandbox", { status: 503 }),
    calls: {},
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
  const count = (op: string) => front.calls[op] = (front.calls[op] ?? 0) + 1;
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    async (req) => {
      const { pathname, origin } = new URL(req.url);
      if (req.method === "POST" && pathname === `${BASE}/reports`) {
        const body = await req.json() as Record<string, unknown>;
        if (body.reportType !== ALL_ORDERS_REPORT) {
          return json(400, {
            errors: [{ code: "InvalidInput", message: "bench report only" }],
          });
        }
        count("createReport");
        created = body;
        return json(202, { reportId: REPORT_ID });
      }
      if (req.method === "GET" && pathname === `${BASE}/reports/${REPORT_ID}`) {
        count("getReport");
        const at = new Date().toISOString();
        return json(200, {
          reportId: REPORT_ID,
          reportType: ALL_ORDERS_REPORT,
          marketplaceIds: created?.marketplaceIds ?? [],
          dataStartTime: created?.dataStartTime,
          dataEndTime: created?.dataEndTime,
          createdTime: at,
          processingStatus: "DONE",
          processingStartTime: at,
          processingEndTime: at,
          reportDocumentId: DOCUMENT_ID,
        });
      }
      if (
        req.method === "GET" &&
        pathname === `${BASE}/documents/${encodeURIComponent(DOCUMENT_ID)}`
      ) {
        count("getReportDocument");
        return json(200, {
          reportDocumentId: DOCUMENT_ID,
          url: `${origin}${DOWNLOAD}`,
          compressionAlgorithm: "GZIP",
        });
      }
      if (req.method === "GET" && pathname === DOWNLOAD) {
        count("download");
        const file = await Deno.open(gzipPath, { read: true });
        return new Response(file.readable, {
          headers: { "content-type": "application/octet-stream" },
        });
      }
      return front.delegate(req);
    },
  );
  front.url = `http://127.0.0.1:${server.addr.port}`;
  return front;
}
