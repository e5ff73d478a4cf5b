// Data Policy §5 (access by job role, least privilege, isolation by store)
// and §7 (people who leave lose access at once): the rules of the Users page.
// Every change runs in the actor's scoped transaction and writes its audit
// row in that same transaction, so no change exists without its record.
// Amazon's Data Protection Policy asks for unique accounts: no shared or
// generic staff addresses, and nobody grants more than they could hold.
import {
  and,
  asc,
  count,
  desc,
  eq,
  inArray,
  ne,
  type SQL,
  sql,
} from "drizzle-orm";
import { z } from "zod";
import { plainText } from "../validation.ts";
import type { Database, Tx } from "../../db/client.ts";
import { staffUsers, storeGrants, stores } from "../../db/schema.ts";
import { type AuditEventInput, recordAudit, recordAuditInTx } from "./audit.ts";
import { roleByName, type RoleName, ROLES } from "./permissions.ts";
import type { StaffPrincipal } from "./principal.ts";
import { destroyUserSessions } from "./sessions.ts";
import { clearSignInLockout } from "./lockout.ts";
import { isGenericAddress, normaliseEmail } from "./staff.ts";

/** Why a change was refused: codes, which the views put into words. */
export const USER_ADMIN_ERROR_CODES = [
  "forbidden",
  "invalid_input",
  "generic_address",
  "domain_not_allowed",
  "duplicate",
  "unknown_role",
  "role_not_assignable",
  "owner_protected",
  "self",
  "last_owner",
  "same_role",
  "not_found",
  "store_not_found",
  "grant_exists",
  "grant_not_found",
  "all_stores_role",
  "already_disabled",
  "not_disabled",
  "local_owner_only",
  "owner_only",
] as const;

export type UserAdminErrorCode = typeof USER_ADMIN_ERROR_CODES[number];

/** Refusals that are attempts to exceed one's rights: audited as denials. */
const DENIALS = new Set<UserAdminErrorCode>([
  "forbidden",
  "role_not_assignable",
  "owner_protected",
  "self",
  "last_owner",
  "local_owner_only",
  "owner_only",
]);

/** A refused change. Nothing was changed. */
export class UserAdminError extends Error {
  constructor(
    readonly code: UserAdminErrorCode,
    /** Values for the code's message (invalid_input: the `fields`). */
    readonly params: Readonly<Record<string, string>> = {},
    /** What the refused change was about (an e-mail or a user id). */
    readonly target: string | null = null,
  ) {
    super(
      `user change refused: ${code}${
        params.fields ? ` (check: ${params.fields})` : ""
      }`,
    );
    this.name = "UserAdminError";
  }
}

/** Who asked and from where (for the audit row), and whether to commit. */
export interface ChangeOptions {
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  /** The clock; defaults to now. */
  now?: Date;
  /**
   * Runs every check and the change itself, then rolls back. A confirmation
   * page built from a dry run describes exactly what the confirmed request
   * will do, and is never offered for a change that would be refused.
   */
  dryRun?: boolean;
}

/** A user as the confirmation pages and results describe them. */
export interface UserSummary {
  id: string;
  email: string;
  displayName: string;
  role: string;
  status: "invited" | "active" | "disabled";
  kind: "sso" | "local";
}

export interface StoreRef {
  id: string;
  name: string;
}

/** One store grant with its last use (what the access review looks at). */
export interface GrantView extends StoreRef {
  grantedAt: Date;
  lastUsedAt: Date | null;
}

export interface UserRow extends UserSummary {
  lastSignInAt: Date | null;
  lastSeenAt: Date | null;
  disabledAt: Date | null;
  createdAt: Date;
  grants: GrantView[];
}

export const USER_SORTS = ["email", "role", "status", "lastSignIn"] as const;
export type UserSort = typeof USER_SORTS[number];
export const USER_STATUSES = ["invited", "active", "disabled"] as const;

export interface UserListQuery {
  sort?: UserSort;
  dir?: "asc" | "desc";
  role?: RoleName;
  status?: typeof USER_STATUSES[number];
  /** Part of an e-mail address or name. */
  q?: string;
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface UserList {
  rows: UserRow[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
}

/** Serialises user administration, so "the last active owner" stays true. */
const USER_ADMIN_LOCK = 7_240_917_004;
const ROLE_NAMES = ROLES.map((r) => r.name) as [RoleName, ...RoleName[]];

const listSchema = z.object({
  sort: z.enum(USER_SORTS).default("email"),
  dir: z.enum(["asc", "desc"]).default("asc"),
  role: z.enum(ROLE_NAMES).optional(),
  status: z.enum(USER_STATUSES).optional(),
  q: plainText().trim().max(100).optional(),
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(25),
});

const inviteSchema = z.object({
  email: z.string().trim().max(254).pipe(z.email()),
  displayName: plainText().trim().min(1).max(120),
  role: z.string().min(1).max(64),
  storeIds: z.array(z.guid()).max(200).default([]),
  /** "local": a break-glass account with password and TOTP (owners only). */
  kind: z.enum(["sso", "local"]).default("sso"),
});

const idSchema = z.guid();

/** The roles `actor` may hand out: never more than the actor could hold. */
export function assignableRoles(actor: StaffPrincipal): RoleName[] {
  return ROLES.filter((r) => r.name !== "owner" || actor.role === "owner")
    .map((r) => r.name);
}

/**
 * One page of staff users with their role, status, last sign-in and the
 * store grants the actor can see.
 *
 * @example
 * const list = await listUsers(db, admin, { sort: "lastSignIn", dir: "desc" });
 */
export async function listUsers(
  db: Database,
  actor: StaffPrincipal,
  query: UserListQuery = {},
): Promise<UserList> {
  requireManage(actor);
  const q = parseOrFail(listSchema, query);
  return await db.asUser(actor, async (tx) => {
    const where = and(
      q.role ? eq(staffUsers.role, q.role) : undefined,
      q.status ? eq(staffUsers.status, q.status) : undefined,
      q.q
        ? sql`(strpos(lower(${staffUsers.email}), ${q.q.toLowerCase()}) > 0
            or strpos(lower(${staffUsers.displayName}), ${q.q.toLowerCase()}) > 0)`
        : undefined,
    );
    const [{ n: total }] = await tx.select({ n: count() }).from(staffUsers)
      .where(where);
    const pages = Math.max(1, Math.ceil(total / q.pageSize));
    const page = Math.min(q.page, pages);
    const users = await tx.select().from(staffUsers).where(where)
      .orderBy(...orderFor(q.sort, q.dir), asc(staffUsers.email))
      .limit(q.pageSize).offset((page - 1) * q.pageSize);
    const grants = await grantsOf(tx, users.map((u) => u.id));
    return {
      rows: users.map((u) => ({
        ...summary(u),
        lastSignInAt: u.lastSignInAt,
        lastSeenAt: u.lastSeenAt,
        disabledAt: u.disabledAt,
        createdAt: u.createdAt,
        grants: grants.get(u.id) ?? [],
      })),
      total,
      page,
      pageSize: q.pageSize,
      pages,
    };
  });
}

/**
 * One user with grants, and the stores the actor could still grant them.
 * Null when there is no such user.
 */
export async function getUser(
  db: Database,
  actor: StaffPrincipal,
  userId: string,
): Promise<{ user: UserRow; grantable: StoreRef[] } | null> {
  requireManage(actor);
  if (!idSchema.safeParse(userId).success) return null;
  return await db.asUser(actor, async (tx) => {
    const [u] = await tx.select().from(staffUsers).where(
      eq(staffUsers.id, userId),
    );
    if (!u) return null;
    const grants = (await grantsOf(tx, [u.id])).get(u.id) ?? [];
    const held = new Set(grants.map((g) => g.id));
    const visible = await visibleStores(tx);
    return {
      user: {
        ...summary(u),
        lastSignInAt: u.lastSignInAt,
        lastSeenAt: u.lastSeenAt,
        disabledAt: u.disabledAt,
        createdAt: u.createdAt,
        grants,
      },
      grantable: visible.filter((s) => !held.has(s.id)),
    };
  });
}

/** The stores the actor can see (row-level security decides), by name. */
export async function listGrantableStores(
  db: Database,
  actor: StaffPrincipal,
): Promise<StoreRef[]> {
  requireManage(actor);
  return await db.asUser(actor, visibleStores);
}

/**
 * Invites a person by their own e-mail address to sign in with single
 * sign-on, with a role and optionally store grants.
 *
 * @example
 * await inviteUser(db, admin, {
 *   email: "li.wei@example.com", displayName: "Li Wei", role: "finance",
 *   storeIds: [storeA],
 * });
 */
export async function inviteUser(
  db: Database,
  actor: StaffPrincipal,
  input: {
    email: string;
    displayName: string;
    role: string;
    storeIds?: string[];
    kind?: "sso" | "local";
    /** ALLOWED_EMAIL_DOMAINS: an address outside them could never sign in. */
    allowedDomains?: readonly string[];
  },
  opts: ChangeOptions = {},
): Promise<{ user: UserSummary; stores: StoreRef[] }> {
  const target = typeof input.email === "string"
    ? normaliseEmail(input.email)
    : null;
  return await change(db, actor, "user.invite", target, opts, async (tx) => {
    const v = parseOrFail(inviteSchema, input);
    const email = normaliseEmail(v.email);
    if (isGenericAddress(email)) {
      throw new UserAdminError("generic_address", undefined, email);
    }
    const domain = email.split("@")[1] ?? "";
    if (
      input.allowedDomains?.length && !input.allowedDomains.includes(domain)
    ) {
      throw new UserAdminError("domain_not_allowed", undefined, email);
    }
    const role = roleByName(v.role);
    if (!role) throw new UserAdminError("unknown_role", undefined, email);
    if (v.kind === "local" && actor.role !== "owner") {
      throw new UserAdminError("local_owner_only", undefined, email);
    }
    if (!assignableRoles(actor).includes(role.name)) {
      throw new UserAdminError("role_not_assignable", undefined, email);
    }
    const storeIds = [...new Set(v.storeIds)];
    if (role.allStores && storeIds.length > 0) {
      throw new UserAdminError("all_stores_role", undefined, email);
    }
    const [existing] = await tx.select({ id: staffUsers.id }).from(staffUsers)
      .where(eq(staffUsers.email, email));
    if (existing) throw new UserAdminError("duplicate", undefined, email);
    const granted = await requireStores(tx, storeIds);
    const now = opts.now ?? new Date();
    const [user] = await tx.insert(staffUsers).values({
      email,
      displayName: v.displayName,
      kind: v.kind,
      role: role.name,
      status: "invited",
      invitedBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    }).returning();
    await recordAuditInTx(
      tx,
      staffEvent(actor, opts, "user.invite", email, {
        details: { userId: user.id, role: role.name, kind: v.kind },
      }),
    );
    for (const store of granted) {
      await tx.insert(storeGrants).values({
        userId: user.id,
        storeId: store.id,
        grantedBy: actor.userId,
        grantedAt: now,
      });
      await recordAuditInTx(
        tx,
        staffEvent(actor, opts, "grant.add", email, {
          storeId: store.id,
          details: { userId: user.id, store: store.name, role: role.name },
        }),
      );
    }
    return { user: summary(user), stores: granted };
  });
}

/** Gives a user another job role; takes effect on their next request. */
export async function changeRole(
  db: Database,
  actor: StaffPrincipal,
  userId: string,
  roleName: string,
  opts: ChangeOptions = {},
): Promise<{ user: UserSummary; from: string; to: string }> {
  return await change(
    db,
    actor,
    "user.role.change",
    userId,
    opts,
    async (tx) => {
      const u = await lockUser(tx, userId);
      const role = roleByName(roleName);
      if (!role) throw new UserAdminError("unknown_role", undefined, u.email);
      if (u.role === role.name) {
        throw new UserAdminError("same_role", undefined, u.email);
      }
      if (!assignableRoles(actor).includes(role.name)) {
        throw new UserAdminError("role_not_assignable", undefined, u.email);
      }
      await guardOwner(tx, actor, u);
      const now = opts.now ?? new Date();
      // The runtime role cannot update staff_users.role: staff_set_role
      // checks the actor again in the database (0013_least_privilege.sql).
      await tx.execute(sql`select staff_set_role(${u.id}::uuid, ${role.name},
        ${now.toISOString()}::timestamptz)`);
      const [updated] = await tx.select().from(staffUsers).where(
        eq(staffUsers.id, u.id),
      );
      await recordAuditInTx(
        tx,
        staffEvent(actor, opts, "user.role.change", u.email, {
          details: { userId: u.id, from: u.role, to: role.name },
        }),
      );
      return { user: summary(updated), from: u.role, to: role.name };
    },
  );
}

/** Grants a user one store the actor can see. */
export async function grantStore(
  db: Database,
  actor: StaffPrincipal,
  userId: string,
  storeId: string,
  opts: ChangeOptions = {},
): Promise<{ user: UserSummary; store: StoreRef }> {
  return await change(db, actor, "grant.add", userId, opts, async (tx) => {
    const u = await lockUser(tx, userId);
    if (roleByName(u.role)?.allStores) {
      throw new UserAdminError("all_stores_role", undefined, u.email);
    }
    const [store] = await requireStores(tx, [storeId]);
    const [held] = await tx.select({ userId: storeGrants.userId }).from(
      storeGrants,
    ).where(
      and(eq(storeGrants.userId, u.id), eq(storeGrants.storeId, store.id)),
    );
    if (held) throw new UserAdminError("grant_exists", undefined, u.email);
    await tx.insert(storeGrants).values({
      userId: u.id,
      storeId: store.id,
      grantedBy: actor.userId,
      grantedAt: opts.now ?? new Date(),
    });
    await recordAuditInTx(
      tx,
      staffEvent(actor, opts, "grant.add", u.email, {
        storeId: store.id,
        details: { userId: u.id, store: store.name, role: u.role },
      }),
    );
    return { user: summary(u), store };
  });
}

/** Removes a user's grant on one store; takes effect on their next request. */
export async function revokeStore(
  db: Database,
  actor: StaffPrincipal,
  userId: string,
  storeId: string,
  opts: ChangeOptions = {},
): Promise<{ user: UserSummary; store: StoreRef }> {
  return await change(
    db,
    actor,
    "grant.revoke",
    userId,
    opts,
    (tx) => revokeStoreInTx(tx, actor, userId, storeId, opts),
  );
}

/**
 * revokeStore inside a caller's transaction (the access review records its
 * decision and the revocation together). With `missingOk`, a grant that is
 * gone already is not an error.
 */
export async function revokeStoreInTx(
  tx: Tx,
  actor: StaffPrincipal,
  userId: string,
  storeId: string,
  opts: ChangeOptions & { missingOk?: boolean } = {},
): Promise<{ user: UserSummary; store: StoreRef }> {
  requireManage(actor);
  await lockUserAdmin(tx);
  const u = await lockUser(tx, userId);
  if (!idSchema.safeParse(storeId).success) {
    throw new UserAdminError("grant_not_found", undefined, u.email);
  }
  // Row-level security hides another store's grant: it cannot be revoked.
  const [gone] = await tx.delete(storeGrants).where(
    and(eq(storeGrants.userId, u.id), eq(storeGrants.storeId, storeId)),
  ).returning();
  const [store] = await tx.select({ id: stores.id, name: stores.name }).from(
    stores,
  ).where(eq(stores.id, storeId));
  if (!gone || !store) {
    if (opts.missingOk && store) return { user: summary(u), store };
    throw new UserAdminError("grant_not_found", undefined, u.email);
  }
  await recordAuditInTx(
    tx,
    staffEvent(actor, opts, "grant.revoke", u.email, {
      storeId: store.id,
      details: {
        userId: u.id,
        store: store.name,
        role: u.role,
        lastUsedAt: gone.lastUsedAt?.toISOString() ?? null,
      },
    }),
  );
  return { user: summary(u), store };
}

/**
 * Disables a user and ends every session they have (Data Policy §7: people
 * who leave lose access at once). Returns how many sessions ended.
 */
export async function disableUser(
  db: Database,
  kv: Deno.Kv,
  actor: StaffPrincipal,
  userId: string,
  opts: ChangeOptions = {},
): Promise<{ user: UserSummary; sessionsEnded: number }> {
  const result = await change(
    db,
    actor,
    "user.disable",
    userId,
    opts,
    (tx) => disableUserInTx(tx, kv, actor, userId, opts),
  );
  // A session begun while the transaction was open cannot outlive it either.
  if (!opts.dryRun) {
    result.sessionsEnded += await destroyUserSessions(kv, result.user.id);
  }
  return result;
}

/**
 * disableUser inside a caller's transaction. With `alreadyOk`, a user who
 * is disabled already is not an error.
 */
export async function disableUserInTx(
  tx: Tx,
  kv: Deno.Kv,
  actor: StaffPrincipal,
  userId: string,
  opts: ChangeOptions & { alreadyOk?: boolean } = {},
): Promise<{ user: UserSummary; sessionsEnded: number }> {
  requireManage(actor);
  await lockUserAdmin(tx);
  const u = await lockUser(tx, userId);
  if (u.id === actor.userId) {
    throw new UserAdminError("self", undefined, u.email);
  }
  if (u.status === "disabled") {
    if (opts.alreadyOk) return { user: summary(u), sessionsEnded: 0 };
    throw new UserAdminError("already_disabled", undefined, u.email);
  }
  await guardOwner(tx, actor, u);
  const now = opts.now ?? new Date();
  const [updated] = await tx.update(staffUsers).set({
    status: "disabled",
    disabledAt: now,
    updatedAt: now,
  }).where(eq(staffUsers.id, u.id)).returning();
  // Ended before the commit: if the commit fails, the person is merely
  // signed out; the other order could leave a disabled user signed in.
  const sessionsEnded = opts.dryRun ? 0 : await destroyUserSessions(kv, u.id);
  await recordAuditInTx(
    tx,
    staffEvent(actor, opts, "user.disable", u.email, {
      details: {
        userId: u.id,
        role: u.role,
        previousStatus: u.status,
        sessionsEnded,
      },
    }),
  );
  return { user: summary(updated), sessionsEnded };
}

/**
 * Re-enables a disabled user: active again if they had signed in before,
 * otherwise back to an open invitation.
 */
export async function enableUser(
  db: Database,
  actor: StaffPrincipal,
  userId: string,
  opts: ChangeOptions = {},
): Promise<{ user: UserSummary }> {
  return await change(db, actor, "user.enable", userId, opts, async (tx) => {
    const u = await lockUser(tx, userId);
    if (u.status !== "disabled") {
      throw new UserAdminError("not_disabled", undefined, u.email);
    }
    if (u.role === "owner" && actor.role !== "owner") {
      throw new UserAdminError("owner_protected", undefined, u.email);
    }
    const status = u.lastSignInAt ? "active" : "invited";
    const [updated] = await tx.update(staffUsers).set({
      status,
      disabledAt: null,
      updatedAt: opts.now ?? new Date(),
    }).where(eq(staffUsers.id, u.id)).returning();
    await recordAuditInTx(
      tx,
      staffEvent(actor, opts, "user.enable", u.email, {
        details: { userId: u.id, role: u.role, status },
      }),
    );
    return { user: summary(updated) };
  });
}

/**
 * Ends every session of a user without disabling them. An owner's sessions
 * are ended only by an owner, like every other change to an owner.
 */
export async function signOutUser(
  db: Database,
  kv: Deno.Kv,
  actor: StaffPrincipal,
  userId: string,
  opts: ChangeOptions = {},
): Promise<{ user: UserSummary; sessionsEnded: number }> {
  return await change(
    db,
    actor,
    "user.signout_everywhere",
    userId,
    opts,
    async (tx) => {
      const u = await lockUser(tx, userId);
      if (u.role === "owner" && actor.role !== "owner") {
        throw new UserAdminError("owner_protected", undefined, u.email);
      }
      const sessionsEnded = opts.dryRun
        ? 0
        : await destroyUserSessions(kv, u.id);
      await recordAuditInTx(
        tx,
        staffEvent(actor, opts, "user.signout_everywhere", u.email, {
          details: { userId: u.id, sessionsEnded },
        }),
      );
      return { user: summary(u), sessionsEnded };
    },
  );
}

/**
 * Lifts the local sign-in lockout of a user, at every address and the
 * per-account one (lib/security/lockout.ts). Owners only: the lockout
 * protects every account, owners' included.
 */
export async function unlockSignIn(
  db: Database,
  kv: Deno.Kv,
  actor: StaffPrincipal,
  userId: string,
  opts: ChangeOptions = {},
): Promise<{ user: UserSummary; countersCleared: number }> {
  return await change(
    db,
    actor,
    "user.signin.unlock",
    userId,
    opts,
    async (tx) => {
      const u = await lockUser(tx, userId);
      if (actor.role !== "owner") {
        throw new UserAdminError("owner_only", undefined, u.email);
      }
      const countersCleared = opts.dryRun
        ? 0
        : await clearSignInLockout(kv, u.email);
      await recordAuditInTx(
        tx,
        staffEvent(actor, opts, "user.signin.unlock", u.email, {
          details: { userId: u.id, countersCleared },
        }),
      );
      return { user: summary(u), countersCleared };
    },
  );
}

// ── Internals ───────────────────────────────────────────────────────────────

type StaffRow = typeof staffUsers.$inferSelect;

function summary(u: StaffRow): UserSummary {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    status: u.status,
    kind: u.kind,
  };
}

function requireManage(actor: StaffPrincipal) {
  if (!actor.permissions.has("users.manage")) {
    throw new UserAdminError("forbidden");
  }
}

function parseOrFail<T extends z.ZodType>(schema: T, input: unknown) {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const fields = [
      ...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? "input"))),
    ];
    throw new UserAdminError("invalid_input", { fields: fields.join(", ") });
  }
  return parsed.data as z.infer<T>;
}

async function lockUserAdmin(tx: Tx) {
  // Transaction-scoped and re-entrant: nested helpers may take it again.
  await tx.execute(sql`select pg_advisory_xact_lock(${USER_ADMIN_LOCK})`);
}

/** Marker that rolls a dry run back while carrying its result out. */
class Rollback {
  constructor(readonly value: unknown) {}
}

/**
 * Runs one audited change in the actor's scoped transaction under the user
 * administration lock. Refusals that exceed the actor's rights are audited
 * as denials in a transaction of their own (the change's rolled back).
 */
async function change<T>(
  db: Database,
  actor: StaffPrincipal,
  action: string,
  target: string | null,
  opts: ChangeOptions,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  try {
    requireManage(actor);
    return await db.asUser(actor, async (tx) => {
      await lockUserAdmin(tx);
      const value = await fn(tx);
      if (opts.dryRun) throw new Rollback(value);
      return value;
    });
  } catch (err) {
    if (err instanceof Rollback) return err.value as T;
    if (err instanceof UserAdminError && DENIALS.has(err.code)) {
      await recordAudit(
        db,
        actor,
        staffEvent(actor, opts, action, err.target ?? target, {
          outcome: "denied",
          details: { reason: err.code },
        }),
      );
    }
    throw err;
  }
}

/** The audit event of a change made by `actor` (shared with access_review.ts). */
export function staffEvent(
  actor: StaffPrincipal,
  opts: ChangeOptions,
  action: string,
  target: string | null,
  more: {
    storeId?: string;
    outcome?: AuditEventInput["outcome"];
    details?: Record<string, unknown>;
  } = {},
): AuditEventInput {
  return {
    actorType: "staff",
    actorId: actor.userId,
    action,
    target,
    storeId: more.storeId ?? null,
    outcome: more.outcome ?? "success",
    ip: opts.ip ?? null,
    userAgent: opts.userAgent ?? null,
    requestId: opts.requestId ?? null,
    details: more.details ?? {},
  };
}

async function lockUser(tx: Tx, userId: string): Promise<StaffRow> {
  if (!idSchema.safeParse(userId).success) {
    throw new UserAdminError("not_found", undefined, null);
  }
  const [u] = await tx.select().from(staffUsers).where(
    eq(staffUsers.id, userId),
  ).for("update");
  if (!u) throw new UserAdminError("not_found", undefined, userId);
  return u;
}

/**
 * Owners are changed only by owners, and the last active owner is never
 * demoted or disabled: one rule, used by every change that touches a user.
 */
async function guardOwner(
  tx: Tx,
  actor: StaffPrincipal,
  u: { id: string; role: string; status: string; email: string },
): Promise<void> {
  if (u.role !== "owner") return;
  if (actor.role !== "owner") {
    throw new UserAdminError("owner_protected", undefined, u.email);
  }
  if (u.status === "active" && !(await otherActiveOwner(tx, u.id))) {
    throw new UserAdminError("last_owner", undefined, u.email);
  }
}
async function otherActiveOwner(tx: Tx, userId: string): Promise<boolean> {
  const [r] = await tx.select({ n: count() }).from(staffUsers).where(and(
    eq(staffUsers.role, "owner"),
    eq(staffUsers.status, "active"),
    ne(staffUsers.id, userId),
  ));
  return r.n > 0;
}

function visibleStores(tx: Tx): Promise<StoreRef[]> {
  return tx.select({ id: stores.id, name: stores.name }).from(stores)
    .orderBy(asc(stores.name), asc(stores.id));
}

/** The stores by id, each of which the actor must see (else store_not_found). */
async function requireStores(tx: Tx, ids: string[]): Promise<StoreRef[]> {
  if (ids.length === 0) return [];
  if (!ids.every((id) => idSchema.safeParse(id).success)) {
    throw new UserAdminError("store_not_found");
  }
  const found = await tx.select({ id: stores.id, name: stores.name }).from(
    stores,
  ).where(inArray(stores.id, ids));
  if (found.length !== ids.length) throw new UserAdminError("store_not_found");
  const byId = new Map(found.map((s) => [s.id, s]));
  return ids.map((id) => byId.get(id)!);
}

async function grantsOf(
  tx: Tx,
  userIds: string[],
): Promise<Map<string, GrantView[]>> {
  const map = new Map<string, GrantView[]>();
  if (userIds.length === 0) return map;
  const rows = await tx.select({
    userId: storeGrants.userId,
    id: stores.id,
    name: stores.name,
    grantedAt: storeGrants.grantedAt,
    lastUsedAt: storeGrants.lastUsedAt,
  }).from(storeGrants).innerJoin(stores, eq(stores.id, storeGrants.storeId))
    .where(inArray(storeGrants.userId, userIds))
    .orderBy(asc(stores.name));
  for (const { userId, ...g } of rows) {
    const list = map.get(userId) ?? [];
    list.push(g);
    map.set(userId, list);
  }
  return map;
}

const ROLE_RANK = sql`array_position(array[${
  sql.join(ROLE_NAMES.map((n) => sql`${n}`), sql`, `)
}]::text[], ${staffUsers.role})`;
const STATUS_RANK = sql`case ${staffUsers.status}
  when 'active' then 1 when 'invited' then 2 else 3 end`;

function orderFor(sort: UserSort, dir: "asc" | "desc"): SQL[] {
  const by = dir === "asc" ? asc : desc;
  switch (sort) {
    case "email":
      return [by(staffUsers.email)];
    case "role":
      return [by(ROLE_RANK)];
    case "status":
      return [by(STATUS_RANK)];
    case "lastSignIn":
      // Never signed in sorts last either way.
      return [
        dir === "asc"
          ? sql`${staffUsers.lastSignInAt} asc nulls last`
          : sql`${staffUsers.lastSignInAt} desc nulls last`,
      ];
  }
}
