// Data Policy §12 "contain" and §7 "revoke, rotate or disable credentials":
// the one-click containment actions of an incident page. Each is confirmed
// by the person (the form's confirm box; refused without it), done by the
// module that owns what it changes (users, credentials, settings, holds),
// written to the incident's timeline and audited. Each takes effect at the
// next request: a suspended user's principal no longer loads, a frozen
// portal refuses exports and reveals, a paused store is skipped by the sync
// runner, held logs are kept by the purge.
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { rowsOf } from "../../db/client.ts";
import { deleteStoreCredentials } from "../amazon/credentials.ts";
import { createHold } from "../policy/retention.ts";
import type { RequestMeta } from "../security/audit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { destroyUserSessions } from "../security/sessions.ts";
import { disableUserInTx } from "../security/users.ts";
import { setExportsFrozen } from "../settings.ts";
import { IncidentError } from "./model.ts";
import { addEventTx, changeIncident, getIncident } from "./records.ts";

export const CONTAINMENT_ACTIONS = [
  "suspend_user",
  "revoke_tokens",
  "pause_syncs",
  "resume_syncs",
  "freeze_exports",
  "preserve_logs",
] as const;
export type ContainmentAction = typeof CONTAINMENT_ACTIONS[number];

export interface ContainDeps {
  db: Database;
  kv: Deno.Kv;
}

/** Days before the incident's start that its preserved logs reach back. */
export const PRESERVE_LOOKBACK_DAYS = 7;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Runs one containment action for incident `id`. `target` is the user
 * (suspend_user) or the store (revoke_tokens, pause_syncs, resume_syncs);
 * `confirmed` must be true. Throws IncidentError: "unconfirmed",
 * "invalid" (a missing or foreign target), "owner_only" (freezing is an
 * owner's decision), "self" (suspending oneself), "not_found".
 */
export async function contain(
  deps: ContainDeps,
  principal: StaffPrincipal,
  id: string,
  action: ContainmentAction,
  target: string | null,
  confirmed: boolean,
  meta: RequestMeta,
  now = new Date(),
): Promise<string> {
  if (!principal.permissions.has("incidents.manage")) {
    throw new IncidentError("forbidden");
  }
  if (!confirmed) throw new IncidentError("unconfirmed");
  const needsTarget = action === "suspend_user" || action === "revoke_tokens" ||
    action === "pause_syncs" || action === "resume_syncs";
  if (needsTarget && (!target || !UUID.test(target))) {
    throw new IncidentError("invalid", { target: "required" });
  }
  const audit = `incident.contain.${action}`;
  const { db } = deps;

  switch (action) {
    case "suspend_user": {
      if (target === principal.userId) throw new IncidentError("self");
      const user = await changeIncident(
        db,
        principal,
        id,
        audit,
        meta,
        async (tx) => {
          const r = await disableUserInTx(tx, deps.kv, principal, target!, {
            ...meta,
            now,
            alreadyOk: true,
          });
          await addEventTx(
            tx,
            principal,
            id,
            "action",
            `suspended ${r.user.displayName}; sessions ended: ${r.sessionsEnded}`,
            now,
            [{ label: r.user.displayName, href: `/users/${r.user.id}` }],
          );
          return { result: r.user, details: { userId: r.user.id } };
        },
      );
      // A session begun while the transaction was open cannot outlive it.
      await destroyUserSessions(deps.kv, user.id);
      return user.displayName;
    }
    case "revoke_tokens":
      return await changeIncident(
        db,
        principal,
        id,
        audit,
        meta,
        async (tx) => {
          const name = await storeName(tx, target!);
          const removed = await deleteStoreCredentials(tx, target!);
          await addEventTx(
            tx,
            principal,
            id,
            "action",
            `revoked ${removed} token(s) of ${name}`,
            now,
            [{ label: name, href: `/stores/${target}` }],
          );
          return { result: name, details: { storeId: target, removed } };
        },
      );
    case "pause_syncs":
    case "resume_syncs":
      return await changeIncident(
        db,
        principal,
        id,
        audit,
        meta,
        async (tx) => {
          const name = await storeName(tx, target!);
          const pause = action === "pause_syncs";
          await tx.execute(sql`update stores set
            syncs_paused_at = ${pause ? now.toISOString() : null}::timestamptz,
            syncs_paused_by = ${pause ? principal.userId : null}::uuid
          where id = ${target}::uuid`);
          await addEventTx(
            tx,
            principal,
            id,
            "action",
            `${pause ? "paused" : "resumed"} syncs of ${name}`,
            now,
            [{ label: name, href: `/stores/${target}/sync` }],
          );
          return { result: name, details: { storeId: target } };
        },
      );
    case "freeze_exports": {
      if (principal.role !== "owner") throw new IncidentError("owner_only");
      await setExportsFrozen(db, principal, true, meta, now);
      return await changeIncident(
        db,
        principal,
        id,
        audit,
        meta,
        async (tx) => {
          await addEventTx(
            tx,
            principal,
            id,
            "action",
            "froze every export and buyer-data reveal",
            now,
          );
          return { result: "exports_frozen", details: {} };
        },
      );
    }
    case "preserve_logs": {
      const incident = (await getIncident(db, principal, id))?.incident;
      if (!incident) throw new IncidentError("not_found");
      const start = new Date(
        Math.min(
          (incident.occurredAt ?? incident.detectedAt).getTime(),
          incident.detectedAt.getTime(),
        ) - PRESERVE_LOOKBACK_DAYS * 86_400_000,
      );
      const holds: string[] = [];
      for (const category of ["audit_events", "api_request_log"]) {
        holds.push(
          await createHold(db, principal, {
            storeId: "",
            category,
            fromAt: day(start),
            toAt: "",
            recordIds: "",
            reason:
              `Incident #${incident.ref}: preserve logs of the incident window`,
            owner: principal.displayName,
            reviewOn: day(new Date(now.getTime() + 90 * 86_400_000)),
          }, meta),
        );
      }
      return await changeIncident(
        db,
        principal,
        id,
        audit,
        meta,
        async (tx) => {
          await addEventTx(
            tx,
            principal,
            id,
            "action",
            `legal holds over audit events and API logs from ${day(start)}`,
            now,
            [{ label: "legal holds", href: "/retention" }],
          );
          return { result: holds.join(","), details: { holds } };
        },
      );
    }
  }
}

async function storeName(
  tx: Parameters<Parameters<Database["asUser"]>[1]>[0],
  storeId: string,
): Promise<string> {
  const [s] = rowsOf<{ name: string }>(
    await tx.execute(sql`select name from stores where id = ${storeId}::uuid`),
  );
  if (!s) throw new IncidentError("invalid", { target: "store" });
  return s.name;
}
