// Ads reporting v3 (facts §5.6): POST /reporting/reports creates an
// asynchronous report (PENDING), GET /reporting/reports/{id} moves it on
// (PENDING → PROCESSING → COMPLETED, or FAILED under a reportFatal fault,
// by polls or time-scaled time) and,
// once COMPLETED, carries a presigned `url` to a gzip JSON array of rows
// with exactly the requested columns, downloaded without auth headers.
// The sandbox produces spCampaigns (groupBy campaign or adGroup) and
// spTargeting (groupBy targeting); every attribution window reports the
// truth's orders and sales (purchases1d = 7d = 14d = 30d).
import type { Hono } from "hono";
import { gzipSync } from "node:zlib";
import { json } from "./_http.ts";
import { adsError, adsRoute } from "./ads_route.ts";
import {
  ADS_COLUMNS,
  type AdsReportSpec,
  renderDocument,
} from "./documents.ts";
import type { SandboxEnv } from "./env.ts";
import { KINDS_FOR } from "./faults.ts";
import { isoDay, isoZ } from "./format.ts";
import { dueFault } from "./sp_route.ts";

const DAY = 86_400_000;
const MEDIA = "application/vnd.createasyncreportrequest.v3+json";
const BODY_KEYS = new Set(["name", "startDate", "endDate", "configuration"]);
const CONFIG_KEYS = new Set([
  "adProduct",
  "groupBy",
  "columns",
  "reportTypeId",
  "timeUnit",
  "format",
  "filters",
]);

interface AdsReport {
  reportId: string;
  sellerId: string;
  profileId: string;
  name: string | null;
  spec: AdsReportSpec;
  configuration: Record<string, unknown>;
  createdMs: number;
  polls: number;
  /** Ends FAILED once generated (an injected reportFatal fault). */
  failed?: boolean;
  /** Compressed rows once generated. */
  gzip?: Uint8Array;
  generatedMs?: number;
  fingerprint: string;
}

/** The Ads reports of one sandbox. */
export class AdsReportStore {
  readonly reports = new Map<string, AdsReport>();
}

function validDate(s: unknown): s is string {
  return typeof s === "string" && /^\d{4}-\d{2}-\d{2}$/.test(s) &&
    !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}

function status(env: SandboxEnv, r: AdsReport, now: number) {
  const polls = env.opts.adsReportPollsToDone;
  const secs = env.opts.adsReportSecondsToDone;
  const elapsed = (now - r.createdMs) * env.opts.timeScale / 1000;
  if (r.polls >= polls || elapsed >= secs) return "COMPLETED";
  if ((polls > 1 && r.polls >= polls - 1) || elapsed >= secs / 3) {
    return "PROCESSING";
  }
  return "PENDING";
}

function reportJson(
  env: SandboxEnv,
  r: AdsReport,
  now: number,
  origin: string,
): Record<string, unknown> {
  const s = status(env, r, now);
  const out: Record<string, unknown> = {
    configuration: r.configuration,
    createdAt: isoZ(r.createdMs),
    endDate: r.spec.endDate,
    failureReason: null,
    fileSize: null,
    generatedAt: null,
    name: r.name,
    reportId: r.reportId,
    startDate: r.spec.startDate,
    status: s,
    updatedAt: isoZ(r.createdMs),
    url: null,
    urlExpiresAt: null,
  };
  if (s !== "COMPLETED") return out;
  if (r.failed) {
    return {
      ...out,
      status: "FAILED",
      failureReason: "Report generation failed",
      generatedAt: isoZ(r.createdMs),
    };
  }
  const seller = env.sellerById.get(r.sellerId)!;
  if (!r.gzip) {
    const text = [
      ...renderDocument(seller.world(), { kind: "ads", rows: r.spec }),
    ]
      .join("");
    r.gzip = gzipSync(new TextEncoder().encode(text));
    r.generatedMs = now;
    env.documents.add({
      key: `ads/${r.reportId}.json.gz`,
      sellerId: r.sellerId,
      spec: { kind: "ads", rows: r.spec },
      gzip: r.gzip,
    });
  }
  const ttl = env.opts.adsUrlTtlSeconds;
  out.fileSize = r.gzip.length;
  out.generatedAt = isoZ(r.generatedMs!);
  out.updatedAt = isoZ(r.generatedMs!);
  out.url = env.documents.presign(
    origin,
    `ads/${r.reportId}.json.gz`,
    ttl,
    now,
  );
  out.urlExpiresAt = isoZ(now + ttl * 1000);
  return out;
}

/** Registers the Ads reporting v3 operations. */
export function adsReportingRoutes(app: Hono, env: SandboxEnv): void {
  adsRoute(
    app,
    env,
    "POST",
    "/reporting/reports",
    "createAsyncReport",
    { scope: true, mediaType: MEDIA, body: true, noRetryAfter: true },
    ({ c, body, seller, profile, now }) => {
      const b = body as Record<string, unknown>;
      const bad = (details: string) =>
        adsError(400, "INVALID_ARGUMENT", details);
      const extra = Object.keys(b).filter((k) => !BODY_KEYS.has(k));
      if (extra.length) return bad(`Unknown field(s): ${extra.join(", ")}.`);
      const cfg = b.configuration as Record<string, unknown> | undefined;
      if (!cfg || typeof cfg !== "object") {
        return bad("configuration is required.");
      }
      const extraCfg = Object.keys(cfg).filter((k) => !CONFIG_KEYS.has(k));
      if (extraCfg.length) {
        return bad(`Unknown configuration field(s): ${extraCfg.join(", ")}.`);
      }
      if (!validDate(b.startDate) || !validDate(b.endDate)) {
        return bad("startDate and endDate must be dates as YYYY-MM-DD.");
      }
      const start = Date.parse(`${b.startDate}T00:00:00Z`);
      const end = Date.parse(`${b.endDate}T00:00:00Z`);
      if (end < start) return bad("endDate must not be before startDate.");
      if (end - start > 30 * DAY) {
        return bad("The date range of a report is at most 31 days.");
      }
      if (start < Date.parse(`${isoDay(now)}T00:00:00Z`) - 95 * DAY) {
        return bad("startDate is older than the 95 days of data kept.");
      }
      if (cfg.adProduct !== "SPONSORED_PRODUCTS") {
        return bad("The sandbox reports on adProduct SPONSORED_PRODUCTS only.");
      }
      const type = cfg.reportTypeId;
      if (type !== "spCampaigns" && type !== "spTargeting") {
        return bad(
          `reportTypeId ${
            String(type)
          } is not produced by the sandbox (spCampaigns, spTargeting).`,
        );
      }
      if (cfg.format !== "GZIP_JSON") return bad("format must be GZIP_JSON.");
      const timeUnit = cfg.timeUnit;
      if (timeUnit !== "DAILY" && timeUnit !== "SUMMARY") {
        return bad("timeUnit must be DAILY or SUMMARY.");
      }
      const groupBy = Array.isArray(cfg.groupBy) ? cfg.groupBy.map(String) : [];
      const allowedGroups = type === "spCampaigns"
        ? ["campaign", "adGroup"]
        : ["targeting"];
      if (!groupBy.length || groupBy.some((g) => !allowedGroups.includes(g))) {
        return bad(
          `groupBy for ${type} must be chosen from ${
            allowedGroups.join(", ")
          }.`,
        );
      }
      const columns = Array.isArray(cfg.columns) ? cfg.columns.map(String) : [];
      const allowed = new Set<string>([
        ...ADS_COLUMNS.common,
        ...(type === "spTargeting" || groupBy.includes("adGroup")
          ? ADS_COLUMNS[type]
          : []),
      ]);
      const unknown = columns.filter((col) => !allowed.has(col));
      if (!columns.length || unknown.length) {
        return bad(
          columns.length
            ? `Invalid column(s) for ${type}: ${unknown.join(", ")}.`
            : "columns is required.",
        );
      }
      if (timeUnit === "SUMMARY" && columns.includes("date")) {
        return bad("The column date is not allowed with timeUnit SUMMARY.");
      }
      if (
        timeUnit === "DAILY" &&
        (columns.includes("startDate") || columns.includes("endDate"))
      ) {
        return bad("startDate and endDate columns need timeUnit SUMMARY.");
      }
      const filters = Array.isArray(cfg.filters)
        ? (cfg.filters as { field: unknown; values: unknown }[]).map((f) => ({
          field: String(f?.field),
          values: Array.isArray(f?.values) ? f.values.map(String) : [],
        }))
        : [];
      const configuration = {
        adProduct: cfg.adProduct,
        columns,
        filters: cfg.filters ?? null,
        format: cfg.format,
        groupBy,
        reportTypeId: type,
        timeUnit,
      };
      const fingerprint = JSON.stringify([
        profile!.profileId,
        b.startDate,
        b.endDate,
        configuration,
      ]);
      if (env.opts.adsDuplicate425) {
        for (const r of env.adsReports.reports.values()) {
          // A FAILED report is no duplicate: asking again makes a new one.
          if (
            r.fingerprint === fingerprint && r.sellerId === seller.sellerId &&
            !r.failed
          ) {
            return json(425, {
              code: "425",
              detail: `The Request is a duplicate of : ${r.reportId}`,
            });
          }
        }
      }
      const r: AdsReport = {
        reportId: crypto.randomUUID(),
        sellerId: seller.sellerId,
        profileId: profile!.profileId,
        name: typeof b.name === "string" ? b.name : null,
        spec: {
          profileId: profile!.profileId,
          reportTypeId: type,
          groupBy,
          columns,
          timeUnit,
          startDate: b.startDate,
          endDate: b.endDate,
          filters,
        },
        configuration,
        createdMs: now,
        polls: 0,
        fingerprint,
      };
      // An injected FATAL: accepted, but it will end FAILED.
      if (
        dueFault(
          env,
          c.req.raw,
          "createAsyncReport",
          seller.sellerId,
          KINDS_FOR.report,
        )
      ) r.failed = true;
      env.adsReports.reports.set(r.reportId, r);
      return json(200, reportJson(env, r, now, new URL(c.req.url).origin));
    },
  );

  adsRoute(
    app,
    env,
    "GET",
    "/reporting/reports/:reportId",
    "getAsyncReport",
    { scope: true },
    ({ c, seller, profile, now }) => {
      const r = env.adsReports.reports.get(c.req.param("reportId") ?? "");
      if (
        !r || r.sellerId !== seller.sellerId ||
        r.profileId !== profile!.profileId
      ) {
        return adsError(404, "NOT_FOUND", "Report not found.");
      }
      r.polls++;
      return json(200, reportJson(env, r, now, new URL(c.req.url).origin));
    },
  );
}
