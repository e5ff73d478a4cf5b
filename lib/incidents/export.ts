// Data Policy §12 (records of incidents, kept and shown to those who must
// see them): the incident register as CSV, with the list's filters, through
// the shared export gate (`export.csv` and `incidents.manage`, the freeze,
// the rate limit, audited). Read in keyset pages of the list itself, so the
// register never sits in memory whole; no buyer data is in it.
import { csvLine } from "../csv.ts";
import type { RequestMeta } from "../security/audit.ts";
import { type ExportGateDeps, gatedExport } from "../security/export_gate.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import {
  type IncidentListQuery,
  type IncidentRow,
  listIncidents,
  parseCursor,
} from "./records.ts";

export const INCIDENT_COLUMNS = [
  "ref",
  "kind",
  "severity",
  "state",
  "source",
  "rule",
  "summary",
  "occurred_at_utc",
  "detected_at_utc",
  "store_ids",
  "data_categories",
  "credentials",
  "owner",
  "reported_by",
  "notices_open",
  "next_notice_due_utc",
  "updated_at_utc",
  "closed_at_utc",
] as const;

const PAGE = 500;

function cells(i: IncidentRow) {
  return [
    i.ref,
    i.kind,
    i.severity,
    i.state,
    i.source,
    i.rule,
    i.summary,
    i.occurredAt?.toISOString() ?? null,
    i.detectedAt.toISOString(),
    i.storeIds.join(" "),
    i.dataCategories.join(" "),
    i.credentials.join("; "),
    i.ownerName,
    i.reportedByName,
    i.noticesOpen,
    i.nextDueAt?.toISOString() ?? null,
    i.updatedAt.toISOString(),
    i.closedAt?.toISOString() ?? null,
  ];
}

/** The incidents of the list's filters, newest first, as CSV chunks. */
export function exportIncidentsCsv(
  deps: ExportGateDeps,
  principal: StaffPrincipal,
  request: {
    filter: Pick<IncidentListQuery, "state" | "severity">;
    describe: Record<string, string>;
  },
  meta: RequestMeta,
): Promise<AsyncIterable<string>> {
  return gatedExport(deps, principal, {
    target: "incidents",
    needs: "incidents.manage",
    describe: request.describe,
    meta,
  }, async function* (count) {
    yield csvLine(INCIDENT_COLUMNS);
    let after: IncidentListQuery["after"];
    do {
      const page = await listIncidents(deps.db, principal, {
        ...request.filter,
        after,
        size: PAGE,
      });
      yield page.rows.map((i) => csvLine(cells(i))).join("");
      count(page.rows.length);
      after = page.next ? parseCursor(page.next) : undefined;
    } while (after);
  });
}
