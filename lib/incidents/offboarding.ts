// Data Policy §7: when people leave, their access ends at once and any
// secret they saw is rotated. One checklist per departing person: disable
// the account, end its sessions, revoke every store grant (one click, in one
// transaction, audited), then rotate each Amazon app secret they could have
// seen (their role managed credentials) — the list shows which are still
// older than the departure.
import type { Database } from "../../db/client.ts";
import { listApps } from "../connections/apps.ts";
import { recordAuditInTx, type RequestMeta } from "../security/audit.ts";
import { can } from "../security/permissions.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { destroyUserSessions } from "../security/sessions.ts";
import {
  disableUserInTx,
  getUser,
  revokeStoreInTx,
  type UserRow,
} from "../security/users.ts";
import { IncidentError } from "./model.ts";

export interface SecretToRotate {
  appId: string;
  name: string;
  issuedAt: Date;
  /** Rotated after the person left. */
  rotated: boolean;
}

export interface Offboarding {
  user: UserRow;
  disabled: boolean;
  grantsLeft: number;
  /** Null when their role never saw credentials. */
  secrets: SecretToRotate[] | null;
  done: boolean;
}

/** The checklist of one person, or null when there is no such user. */
export async function offboardingState(
  db: Database,
  principal: StaffPrincipal,
  userId: string,
): Promise<Offboarding | null> {
  if (
    !principal.permissions.has("incidents.manage") ||
    !principal.permissions.has("users.manage")
  ) throw new IncidentError("forbidden");
  const found = await getUser(db, principal, userId);
  if (!found) return null;
  const u = found.user;
  const disabled = u.status === "disabled";
  const left = u.disabledAt;
  const secrets = can(u.role, "credentials.manage")
    ? (await listApps(db, principal)).map((a) => ({
      appId: a.id,
      name: a.name,
      issuedAt: a.secretIssuedAt,
      rotated: left !== null && a.secretIssuedAt.getTime() > left.getTime(),
    }))
    : null;
  return {
    user: u,
    disabled,
    grantsLeft: u.grants.length,
    secrets,
    done: disabled && u.grants.length === 0 &&
      (secrets ?? []).every((s) => s.rotated),
  };
}

/**
 * Disables the person, ends their sessions and revokes every grant, in one
 * transaction; audited as one offboarding (and each step by users.ts).
 */
export async function offboardUser(
  deps: { db: Database; kv: Deno.Kv },
  principal: StaffPrincipal,
  userId: string,
  confirmed: boolean,
  meta: RequestMeta,
  now = new Date(),
): Promise<{ sessionsEnded: number; grantsRevoked: number }> {
  const state = await offboardingState(deps.db, principal, userId);
  if (!state) throw new IncidentError("not_found");
  if (!confirmed) throw new IncidentError("unconfirmed");
  if (userId === principal.userId) throw new IncidentError("self");
  const opts = { ...meta, now };
  const result = await deps.db.asUser(principal, async (tx) => {
    const d = await disableUserInTx(tx, deps.kv, principal, userId, {
      ...opts,
      alreadyOk: true,
    });
    for (const g of state.user.grants) {
      await revokeStoreInTx(tx, principal, userId, g.id, {
        ...opts,
        missingOk: true,
      });
    }
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: principal.userId,
      action: "user.offboard",
      target: userId,
      outcome: "success",
      ...meta,
      details: {
        sessionsEnded: d.sessionsEnded,
        grantsRevoked: state.user.grants.length,
      },
    });
    return {
      sessionsEnded: d.sessionsEnded,
      grantsRevoked: state.user.grants.length,
    };
  });
  result.sessionsEnded += await destroyUserSessions(deps.kv, userId);
  return result;
}
