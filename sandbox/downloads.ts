// Report documents live behind presigned URLs on the sandbox's own host,
// shaped like S3's (`X-Amz-Date`, `X-Amz-Expires`, `X-Amz-Signature`), that
// expire after 5 minutes for SP-API documents (facts §4.8) and answer 403
// AccessDenied afterwards, as S3 does. The body is gzip, streamed as it is
// compressed; `enableContentEncodingUrlHeader` adds `Content-Encoding: gzip`
// so HTTP clients inflate it themselves (and a client that inflates again
// fails, as in the 2023 incident). Like S3, a request that also carries an
// Authorization header is refused: the URL is the only credential.
import {
  amazonCharset,
  charsetEncoder,
  type FlatFileCharset,
} from "./charsets.ts";
import type { Hono } from "hono";
import { createHmac } from "node:crypto";
import { contentType, type DocumentSpec, renderDocument } from "./documents.ts";
import type { SandboxEnv } from "./env.ts";
import { type FaultRule, KINDS_FOR } from "./faults.ts";
import {
  connectionReset,
  internalFailure,
  s3Error,
  unavailable,
} from "./_http.ts";
import { dueFault } from "./sp_route.ts";

/** The path prefix of document URLs. */
export const DOCUMENT_PREFIX = "/sandbox-documents/";

/** A stored document: what to render, or the bytes themselves. */
export interface StoredDocument {
  key: string;
  sellerId: string;
  spec: DocumentSpec;
  /** Already-compressed bytes (settlements, Ads reports). */
  gzip?: Uint8Array;
}

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(
    /\.\d{3}/,
    "",
  );
}

function parseAmzDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

/**
 * The documents of one sandbox and their URL signing.
 *
 * @example
 * registry.add({ key: docId, sellerId, spec });
 * const url = registry.presign("http://127.0.0.1:8100", docId, 300, now);
 */
export class DocumentRegistry {
  readonly #docs = new Map<string, StoredDocument>();
  readonly #secret = crypto.randomUUID();

  add(doc: StoredDocument): void {
    this.#docs.set(doc.key, doc);
  }

  get(key: string): StoredDocument | undefined {
    return this.#docs.get(key);
  }

  /** A presigned URL for `key`, valid `ttlSeconds` from `now`. */
  presign(
    origin: string,
    key: string,
    ttlSeconds: number,
    now: number,
    opts: { contentEncoding?: boolean } = {},
  ): string {
    const date = amzDate(now);
    const ce = opts.contentEncoding ? "gzip" : "";
    const sig = this.#sign(key, date, ttlSeconds, ce);
    const q = new URLSearchParams({
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": `SANDBOX/${
        date.slice(0, 8)
      }/us-east-1/s3/aws4_request`,
      "X-Amz-Date": date,
      "X-Amz-Expires": String(ttlSeconds),
      "X-Amz-SignedHeaders": "host",
    });
    if (ce) q.set("response-content-encoding", ce);
    q.set("X-Amz-Signature", sig);
    const path = key.split("/").map(encodeURIComponent).join("/");
    return `${origin}${DOCUMENT_PREFIX}${path}?${q}`;
  }

  /** Checks a URL's signature and expiry. */
  verify(
    key: string,
    q: URLSearchParams,
    now: number,
  ): "ok" | "expired" | "forged" {
    const date = q.get("X-Amz-Date") ?? "";
    const ttl = Number(q.get("X-Amz-Expires"));
    const ce = q.get("response-content-encoding") ?? "";
    const sig = q.get("X-Amz-Signature") ?? "";
    if (!Number.isFinite(ttl) || sig !== this.#sign(key, date, ttl, ce)) {
      return "forged";
    }
    return now > parseAmzDate(date) + ttl * 1000 ? "expired" : "ok";
  }

  #sign(key: string, date: string, ttl: number, ce: string): string {
    return createHmac("sha256", this.#secret).update(
      `${key}\n${date}\n${ttl}\n${ce}`,
    ).digest("hex");
  }
}

/** Drops the tail of a gzip stream (the truncatedGzip fault). */
function truncator(): TransformStream<Uint8Array, Uint8Array> {
  let held: Uint8Array | undefined;
  return new TransformStream({
    transform(chunk, ctrl) {
      if (held) ctrl.enqueue(held);
      held = chunk;
    },
    flush(ctrl) {
      if (held && held.length > 24) {
        ctrl.enqueue(held.subarray(0, held.length - 24));
      } else if (held && held.length > 2) ctrl.enqueue(held.subarray(0, 2));
    },
  });
}

/** The document as text chunks (stored gzip documents are inflated). */
function text(env: SandboxEnv, doc: StoredDocument): ReadableStream<string> {
  if (doc.gzip) {
    return new Blob([doc.gzip as BlobPart]).stream()
      .pipeThrough(new DecompressionStream("gzip"))
      .pipeThrough(new TextDecoderStream());
  }
  const seller = env.sellerById.get(doc.sellerId)!;
  const chunks = renderDocument(seller.world(), doc.spec);
  return new ReadableStream<string>({
    pull(ctrl) {
      const next = chunks.next();
      if (next.done) ctrl.close();
      else ctrl.enqueue(next.value);
    },
  });
}

function gzip(stream: ReadableStream<string>): ReadableStream<Uint8Array> {
  return stream.pipeThrough(new TextEncoderStream()).pipeThrough(
    new CompressionStream("gzip") as unknown as TransformStream<
      Uint8Array,
      Uint8Array
    >,
  );
}

/** The flat file's charset when Amazon's are served, else null (UTF-8). */
function charsetOf(
  env: SandboxEnv,
  doc: StoredDocument,
): FlatFileCharset | null {
  const spec = doc.spec;
  if (env.opts.flatFileCharsets !== "amazon") return null;
  if (
    spec.kind !== "allOrders" && spec.kind !== "returns" && spec.kind !== "myi"
  ) {
    return null;
  }
  return amazonCharset(spec.marketplaceIds);
}

function body(
  env: SandboxEnv,
  doc: StoredDocument,
): ReadableStream<Uint8Array> {
  const charset = charsetOf(env, doc);
  if (charset) {
    return text(env, doc).pipeThrough(charsetEncoder(charset)).pipeThrough(
      new CompressionStream("gzip") as unknown as TransformStream<
        Uint8Array,
        Uint8Array
      >,
    );
  }
  if (doc.gzip) {
    const bytes = doc.gzip;
    return new ReadableStream({
      start(ctrl) {
        ctrl.enqueue(bytes);
        ctrl.close();
      },
    });
  }
  return gzip(text(env, doc));
}

/**
 * Replaces one cell of a tab-separated document (the corruptCell fault):
 * column `column` (by its header name) of file line `line`. `done` learns
 * the line as it was, once it has been changed.
 */
function cellCorrupter(
  rule: FaultRule,
  done: (original: string) => void,
): TransformStream<string, string> {
  const target = rule.line ?? 2;
  let held = "";
  let passed = false;
  return new TransformStream({
    transform(chunk, ctrl) {
      if (passed) return ctrl.enqueue(chunk);
      held += chunk;
      const lines = held.split("\n");
      if (lines.length <= target) return; // the line is not complete yet
      const column = lines[0].split("\t").indexOf(rule.column ?? "");
      const cells = lines[target - 1].split("\t");
      if (column >= 0 && column < cells.length) {
        done(lines[target - 1]);
        cells[column] = rule.value ?? "corrupt";
        lines[target - 1] = cells.join("\t");
      }
      passed = true;
      ctrl.enqueue(lines.join("\n"));
    },
    flush(ctrl) {
      if (!passed && held) ctrl.enqueue(held);
    },
  });
}

/** Registers GET /sandbox-documents/… */
export function downloadRoutes(app: Hono, env: SandboxEnv): void {
  app.get(`${DOCUMENT_PREFIX}*`, async (c) => {
    const req = c.req.raw;
    const url = new URL(req.url);
    const key = url.pathname.slice(DOCUMENT_PREFIX.length).split("/").map(
      decodeURIComponent,
    ).join("/");
    const rid = crypto.randomUUID();
    if (req.headers.has("authorization")) {
      return s3Error(
        400,
        "InvalidArgument",
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
        rid,
      );
    }
    const doc = env.documents.get(key);
    const check = doc
      ? env.documents.verify(key, url.searchParams, env.clock.now())
      : "forged";
    if (!doc || check === "forged") {
      return s3Error(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided.",
        rid,
      );
    }
    if (check === "expired") {
      return s3Error(403, "AccessDenied", "Request has expired", rid, {
        "X-Amz-Expires": url.searchParams.get("X-Amz-Expires") ?? "",
        ServerTime: new Date(env.clock.now()).toISOString(),
      });
    }
    const fault = dueFault(
      env,
      req,
      "downloadDocument",
      doc.sellerId,
      KINDS_FOR.document,
    );
    if (fault?.kind === "serverError") return internalFailure();
    if (fault?.kind === "unavailable") return unavailable(fault.html);
    if (fault?.kind === "hang") {
      await env.life.hang();
      return new Response(null, { status: 504 });
    }
    if (fault?.kind === "delay") {
      await env.life.sleep(fault.delayMs ?? 1000);
    }
    if (fault?.kind === "connectionReset") return connectionReset();
    let stream = body(env, doc);
    if (fault?.kind === "corruptCell") {
      const fired = fault.fired;
      stream = gzip(
        text(env, doc).pipeThrough(cellCorrupter(fault, (original) => {
          if (fired) {
            fired.detail = {
              document: key,
              line: String(fault.line ?? 2),
              original,
            };
          }
        })),
      );
    }
    if (fault?.kind === "truncatedGzip") {
      stream = stream.pipeThrough(truncator());
    }
    const charset = charsetOf(env, doc);
    const headers = new Headers({
      "content-type": doc.spec.kind === "ads"
        ? "application/x-gzip"
        : charset
        ? `text/plain;charset=${charset}`
        : contentType(doc.spec),
      "x-amz-request-id": rid,
    });
    if (url.searchParams.get("response-content-encoding") === "gzip") {
      headers.set("content-encoding", "gzip");
    }
    return new Response(stream, { status: 200, headers });
  });
}
