// The sandbox's entry for tests and benches: everything sandbox/mod.ts
// offers, plus what a test needs to look inside — the sandbox itself, its
// sellers' worlds and ground truth (in Amazon's vocabulary), the fault
// controller, the manual clock, the world generator — and helpers that talk
// to a running sandbox over HTTP: start one for the length of a test, get
// an access token the way a client would, call the SP-API and the Ads API,
// read gzip TSV and JSON documents. Nothing outside sandbox/ imports any
// other of its files.
import { ManualClock } from "./clock.ts";
import type { SandboxOptions } from "./options.ts";
import { type RunningSandbox, startSandbox } from "./server.ts";

export * from "./mod.ts";
export { createSandbox, type Sandbox, type SandboxRequest } from "./sandbox.ts";
export { SandboxSeller } from "./seller.ts";
export { type Clock, ManualClock, systemClock } from "./clock.ts";
export {
  FAULT_KINDS,
  FaultController,
  type FaultKind,
  type FaultRule,
  type FiredFault,
} from "./faults.ts";
export {
  eventTotal,
  type SellerTruth,
  type SellerWorld,
  SETTLEMENT_COLUMNS,
  type SettlementDateStyle,
  type SettlementDocument,
} from "./served_world.ts";
export {
  ALL_ORDERS_COLUMNS,
  MYI_COLUMNS,
  RETURNS_COLUMNS,
} from "./documents.ts";
export { SP_OPERATIONS, type SpOperationId } from "./spec.ts";
export { eventJson } from "./sp_finances.ts";
export {
  amazonCharset,
  encodeCharset,
  type FlatFileCharset,
} from "./charsets.ts";
/** JSON with raw numbers written exactly, as the sandbox writes its bodies. */
export { stringify } from "./_json.ts";
export { isoDay, isoOffset, isoZ } from "./format.ts";
export {
  type GenerateOptions,
  generateStore,
  type Marketplace,
  MARKETPLACES,
  planStores,
  type ProductPlan,
  type Region,
  type StorePlan,
  type WorldBatch,
  type WorldRecords,
} from "./world/generate.ts";
export { Rng } from "./world/random.ts";
export type * from "./world/amazon.ts";

/** Parsed JSON of a test response (tests index into it freely). */
// deno-lint-ignore no-explicit-any
export type Json = any;

/** A response with its body read. */
export interface Answer {
  status: number;
  headers: Headers;
  body: Json;
  text: string;
}

/**
 * Runs `fn` against a sandbox on a free 127.0.0.1 port, then closes it.
 *
 * @example
 * await withSandbox({ stores: 2 }, async (sb) => { … });
 */
export async function withSandbox<T>(
  opts: SandboxOptions,
  fn: (running: RunningSandbox) => Promise<T>,
): Promise<T> {
  const running = await startSandbox(opts);
  try {
    return await fn(running);
  } finally {
    await running.close();
  }
}

/** A manual clock at a fixed, readable instant. */
export function testClock(at = "2026-06-15T12:00:00Z"): ManualClock {
  return new ManualClock(at);
}

/** Exchanges seller `index`'s refresh token for an access token. */
export async function accessToken(
  running: RunningSandbox,
  index = 0,
): Promise<string> {
  const cred = running.sandbox.credentials(index);
  const res = await fetch(`${running.url}/auth/o2/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded;charset=UTF-8",
    },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: cred.refreshToken,
      client_id: cred.clientId,
      client_secret: cred.clientSecret,
    }),
  });
  const body = await res.json();
  if (res.status !== 200) {
    throw new Error(`token exchange failed: ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

/** An SP-API call; the body is read (and parsed when JSON). */
export async function sp(
  running: RunningSandbox,
  token: string | null,
  path: string,
  init: RequestInit = {},
): Promise<Answer> {
  const headers = new Headers(init.headers);
  if (token !== null) headers.set("x-amz-access-token", token);
  if (init.body && !headers.has("content-type")) {
    headers.set("content-type", "application/json");
  }
  const res = await fetch(`${running.url}${path}`, { ...init, headers });
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** An Ads API call as seller `index` with profile `profileId`. */
export async function ads(
  running: RunningSandbox,
  token: string,
  path: string,
  init: RequestInit & { profileId?: string; mediaType?: string } = {},
): Promise<Answer> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  headers.set(
    "amazon-advertising-api-clientid",
    running.sandbox.client.clientId,
  );
  if (init.profileId) {
    headers.set("amazon-advertising-api-scope", init.profileId);
  }
  if (init.mediaType) {
    headers.set("content-type", init.mediaType);
    headers.set("accept", init.mediaType);
  }
  const res = await fetch(`${running.url}${path}`, { ...init, headers });
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(
      text.replace(/"profileId":(\d+)/g, '"profileId":"$1"'),
    );
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** Inflates gzip bytes into text. */
export async function gunzip(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  return await new Response(stream).text();
}

/** Downloads a document URL (no auth headers) and inflates it. */
export async function download(url: string): Promise<string> {
  const res = await fetch(url);
  if (res.status !== 200) {
    throw new Error(`download failed: ${res.status} ${await res.text()}`);
  }
  return gunzip(new Uint8Array(await res.arrayBuffer()));
}

/** Splits TSV text into a header and rows of objects. */
export function parseTsv(
  text: string,
): { header: string[]; rows: Record<string, string>[] } {
  const lines = text.split("\n").filter((l) => l !== "");
  const header = lines[0]?.split("\t") ?? [];
  const rows = lines.slice(1).map((l) => {
    const cells = l.split("\t");
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""]));
  });
  return { header, rows };
}
