// Staff accounts (Data Policy §5, §7): invite-only sign-in, one account per
// person, and the first owner created through a one-time link.
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { Database, Tx } from "../../db/client.ts";
import { staffUsers } from "../../db/schema.ts";
import { sha256Hex } from "./_hex.ts";
import { encodeHex } from "./_hex.ts";

export type StaffUser = typeof staffUsers.$inferSelect;

/**
 * Whether an account may hold a session: active and never disabled since.
 * Every step of every sign-in flow asks (issue #11: an account disabled in
 * the middle of a flow must not come back).
 */
export function accountUsable(
  user: Pick<StaffUser, "status" | "disabledAt">,
): boolean {
  return user.status === "active" && user.disabledAt === null;
}

/** Whether an account is an open invitation (never disabled since). */
export function accountInvited(
  user: Pick<StaffUser, "status" | "disabledAt">,
): boolean {
  return user.status === "invited" && user.disabledAt === null;
}

/** SQL: the row is active or invited, and not disabled. */
const notDisabled = sql`${staffUsers.status} in ('active', 'invited')
  and ${staffUsers.disabledAt} is null`;

/** E-mail addresses are compared lower-cased and trimmed. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Addresses that name a function, not a person: refused (unique accounts only). */
const GENERIC_LOCAL_PARTS =
  /^(admin|administrator|info|office|team|staff|support|sales|ops|operations|finance|accounts?|shared|service|noreply|no-reply|all|hello|contact|it)$/;

/** Whether an address looks like a shared mailbox rather than a person. */
export function isGenericAddress(email: string): boolean {
  return GENERIC_LOCAL_PARTS.test(normaliseEmail(email).split("@")[0] ?? "");
}

export type SsoOutcome =
  | { ok: true; user: StaffUser }
  | {
    ok: false;
    reason: "not_invited" | "disabled" | "domain_not_allowed" | "no_email";
  };

/**
 * Lets an identity in only if an admin invited that verified e-mail and the
 * account is not disabled; activates an invitation on first sign-in. The
 * activation is conditional in SQL, so a disable that commits first wins.
 */
export async function completeSsoSignIn(
  db: Database,
  input: { email: string | null | undefined; allowedDomains?: string[] },
  now = new Date(),
): Promise<SsoOutcome> {
  if (!input.email) return { ok: false, reason: "no_email" };
  const email = normaliseEmail(input.email);
  const domain = email.split("@")[1] ?? "";
  if (input.allowedDomains?.length && !input.allowedDomains.includes(domain)) {
    return { ok: false, reason: "domain_not_allowed" };
  }
  return await db.asUser({ userId: "", storeIds: [] }, async (tx) => {
    const [user] = await tx.select().from(staffUsers).where(
      eq(staffUsers.email, email),
    );
    if (!user || user.kind !== "sso") {
      return { ok: false, reason: "not_invited" };
    }
    if (user.status === "disabled" || user.disabledAt !== null) {
      return { ok: false, reason: "disabled" };
    }
    const [updated] = await tx.update(staffUsers).set({
      status: "active",
      mfaAssurance: "idp",
      lastSignInAt: now,
      updatedAt: now,
    }).where(and(eq(staffUsers.id, user.id), notDisabled)).returning();
    return updated
      ? { ok: true, user: updated }
      : { ok: false, reason: "disabled" };
  });
}

/** Looks a user up by e-mail (any status). */
export async function findStaffByEmail(
  db: Database,
  email: string,
): Promise<StaffUser | null> {
  return await db.asUser({ userId: "", storeIds: [] }, async (tx) => {
    const [user] = await tx.select().from(staffUsers).where(
      eq(staffUsers.email, normaliseEmail(email)),
    );
    return user ?? null;
  });
}

/** Looks a user up by id (any status), in that user's own scope. */
export async function findStaffById(
  db: Database,
  userId: string,
): Promise<StaffUser | null> {
  const [user] = await db.asUser(
    { userId, storeIds: [] },
    (tx) => tx.select().from(staffUsers).where(eq(staffUsers.id, userId)),
  );
  return user ?? null;
}

/**
 * Records a local account's sign-in (password and TOTP or recovery code),
 * only while it is active and not disabled: false when it no longer is.
 */
export async function recordLocalSignIn(
  db: Database,
  userId: string,
  now = new Date(),
): Promise<boolean> {
  const updated = await db.asUser(
    { userId, storeIds: [] },
    (tx) =>
      tx.update(staffUsers).set({ lastSignInAt: now, mfaAssurance: "totp" })
        .where(and(
          eq(staffUsers.id, userId),
          eq(staffUsers.status, "active"),
          sql`${staffUsers.disabledAt} is null`,
        )).returning({ id: staffUsers.id }),
  );
  return updated.length > 0;
}

/**
 * Activates a local account whose TOTP enrollment was just confirmed, in the
 * caller's transaction (the enrollment's): it is signed in from now on. Only
 * an open invitation that was never disabled is activated, in one
 * conditional UPDATE, so a disable that commits first (or meanwhile) wins;
 * false when nothing was activated. The enable action is the only way back
 * from disabled.
 */
export async function activateLocalAccountTx(
  tx: Tx,
  userId: string,
  now = new Date(),
): Promise<boolean> {
  const updated = await tx.update(staffUsers).set({
    status: "active",
    mfaAssurance: "totp",
    lastSignInAt: now,
    updatedAt: now,
  }).where(and(
    eq(staffUsers.id, userId),
    eq(staffUsers.kind, "local"),
    eq(staffUsers.status, "invited"),
    sql`${staffUsers.disabledAt} is null`,
  )).returning({ id: staffUsers.id });
  return updated.length > 0;
}

/**
 * Locks the account's row for the caller's transaction; true when it is a
 * local account still invited and never disabled.
 */
export async function lockInvitedLocalTx(
  tx: Tx,
  userId: string,
): Promise<boolean> {
  const [row] = await tx.select({ id: staffUsers.id }).from(staffUsers).where(
    and(
      eq(staffUsers.id, userId),
      eq(staffUsers.kind, "local"),
      eq(staffUsers.status, "invited"),
      isNull(staffUsers.disabledAt),
    ),
  ).for("update");
  return row !== undefined;
}

// ── The first owner's one-time sign-in link ─────────────────────────────────

const FIRST_OWNER_TTL_MS = 15 * 60_000;
/** One key: a new link replaces (voids) the one before it. */
const FIRST_OWNER_KEY = ["first_owner_token"] as const;

interface FirstOwnerToken {
  hash: string;
  issuedAt: number;
}

/**
 * Issues a single-use, 15-minute token; only its hash is stored, under one
 * key, so the token printed at the last start is the only one that works.
 */
export async function issueFirstOwnerToken(kv: Deno.Kv): Promise<string> {
  const token = encodeHex(crypto.getRandomValues(new Uint8Array(32)));
  await kv.set(
    FIRST_OWNER_KEY,
    {
      hash: await sha256Hex(token),
      issuedAt: Date.now(),
    } satisfies FirstOwnerToken,
    { expireIn: FIRST_OWNER_TTL_MS },
  );
  return token;
}

/** The live token entry that `token` is, or null. */
async function firstOwnerEntry(kv: Deno.Kv, token: string) {
  if (!/^[0-9a-f]{64}$/.test(token)) return null;
  const e = await kv.get<FirstOwnerToken>(FIRST_OWNER_KEY);
  if (!e.value || e.value.hash !== await sha256Hex(token)) return null;
  return Date.now() - e.value.issuedAt < FIRST_OWNER_TTL_MS ? e : null;
}

/** Whether a token is live (without using it up). */
export async function firstOwnerTokenValid(
  kv: Deno.Kv,
  token: string,
): Promise<boolean> {
  return (await firstOwnerEntry(kv, token)) !== null;
}

/**
 * Uses a token up; only the one caller that consumed it gets a handle, whose
 * `restore()` puts the token back (unless a newer one was issued meanwhile)
 * when what it was spent on could not be done.
 */
export async function consumeFirstOwnerToken(
  kv: Deno.Kv,
  token: string,
): Promise<{ restore: () => Promise<void> } | null> {
  const entry = await firstOwnerEntry(kv, token);
  if (!entry?.value) return null;
  const value = entry.value;
  const res = await kv.atomic().check(entry).delete(FIRST_OWNER_KEY).commit();
  if (!res.ok) return null;
  return {
    restore: async () => {
      const left = FIRST_OWNER_TTL_MS - (Date.now() - value.issuedAt);
      if (left <= 0) return;
      await kv.atomic().check({ key: FIRST_OWNER_KEY, versionstamp: null })
        .set(FIRST_OWNER_KEY, value, { expireIn: left }).commit();
    },
  };
}

export type FirstOwnerCreation =
  | { kind: "created"; user: StaffUser }
  /** An active staff member exists: there is no first owner to make. */
  | { kind: "owner_exists" }
  /** The address belongs to a disabled (or otherwise kept) account. */
  | { kind: "email_taken" };

/**
 * Creates the first owner as a local account awaiting TOTP enrollment, with
 * its password, in one transaction. `withinTx` runs last inside the
 * transaction (the password): when it throws, nothing of this owner is left.
 */
export async function createFirstOwner(
  db: Database,
  input: { email: string; displayName: string },
  withinTx: (tx: Tx, user: StaffUser) => Promise<void> = async () => {},
  now = new Date(),
): Promise<FirstOwnerCreation> {
  const email = normaliseEmail(input.email);
  return await db.asUser({ userId: "", storeIds: [] }, async (tx) => {
    // Serialise concurrent first-owner attempts.
    await tx.execute(sql`select pg_advisory_xact_lock(7240917002)`);
    const active = await tx.select({ id: staffUsers.id }).from(staffUsers)
      .where(eq(staffUsers.status, "active")).limit(1);
    if (active.length > 0) return { kind: "owner_exists" } as const;
    const [taken] = await tx.select({ id: staffUsers.id }).from(staffUsers)
      .where(
        and(eq(staffUsers.email, email), ne(staffUsers.status, "invited")),
      );
    if (taken) return { kind: "email_taken" } as const;
    // Earlier attempts that never finished enrollment are replaced: a new
    // link voids the last one and whatever was begun with it.
    await tx.delete(staffUsers).where(and(
      eq(staffUsers.role, "owner"),
      eq(staffUsers.kind, "local"),
      eq(staffUsers.status, "invited"),
      isNull(staffUsers.invitedBy),
    ));
    await tx.delete(staffUsers).where(
      and(eq(staffUsers.email, email), eq(staffUsers.status, "invited")),
    );
    const [user] = await tx.insert(staffUsers).values({
      email,
      displayName: input.displayName.trim(),
      kind: "local",
      role: "owner",
      status: "invited",
      createdAt: now,
      updatedAt: now,
    }).returning();
    // From here the new owner acts for itself: its password can only be set
    // by its own user (local_password_set checks app.user_id).
    await tx.execute(sql`select set_config('app.user_id', ${user.id}, true)`);
    await withinTx(tx, user);
    return { kind: "created", user } as const;
  });
}

// ── One-time setup links for break-glass local accounts ────────────────────

const SETUP_TTL_MS = 72 * 3_600_000;
const setupKey = (hash: string) => ["local_setup_token", hash] as const;

/** Issues a single-use, 72-hour setup link token for an invited local user. */
export async function issueSetupToken(
  kv: Deno.Kv,
  userId: string,
): Promise<string> {
  const token = encodeHex(crypto.getRandomValues(new Uint8Array(32)));
  await kv.set(setupKey(await sha256Hex(token)), { userId }, {
    expireIn: SETUP_TTL_MS,
  });
  return token;
}

/** The user a live setup token belongs to, without using it up. */
export async function setupTokenUser(
  kv: Deno.Kv,
  token: string,
): Promise<string | null> {
  if (!/^[0-9a-f]{64}$/.test(token)) return null;
  const e = await kv.get<{ userId: string }>(setupKey(await sha256Hex(token)));
  return e.value?.userId ?? null;
}

/** Uses a setup token up; true only for the one caller that consumed it. */
export async function consumeSetupToken(
  kv: Deno.Kv,
  token: string,
): Promise<boolean> {
  if (!/^[0-9a-f]{64}$/.test(token)) return false;
  const key = setupKey(await sha256Hex(token));
  const entry = await kv.get(key);
  if (entry.value === null) return false;
  return (await kv.atomic().check(entry).delete(key).commit()).ok;
}

/**
 * Sets a user's own time zone (an IANA name, checked by the caller; null:
 * the default), in the caller's transaction. The runtime role may update
 * this column (0019_user_time_zone.sql); the database checks its shape.
 */
export async function setStaffTimeZone(
  tx: Tx,
  userId: string,
  zone: string | null,
  now: Date,
): Promise<void> {
  await tx.update(staffUsers).set({ timeZone: zone, updatedAt: now }).where(
    eq(staffUsers.id, userId),
  );
}
