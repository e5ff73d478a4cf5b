// Staff accounts (Data Policy §5, §7): invite-only sign-in, one account per
// person, and the first owner created through a one-time link.
import { and, eq, sql } from "drizzle-orm";
import type { Database, Tx } from "../../db/client.ts";
import { staffUsers } from "../../db/schema.ts";
import { sha256Hex } from "./_hex.ts";
import { encodeHex } from "./_hex.ts";

export type StaffUser = typeof staffUsers.$inferSelect;

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
 * account is not disabled; activates an invitation on first sign-in.
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
    if (user.status === "disabled") return { ok: false, reason: "disabled" };
    const [updated] = await tx.update(staffUsers).set({
      status: "active",
      mfaAssurance: "idp",
      lastSignInAt: now,
      updatedAt: now,
    }).where(
      and(eq(staffUsers.id, user.id), sql`${staffUsers.status} <> 'disabled'`),
    ).returning();
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

/** Records a local account's sign-in (password and TOTP or recovery code). */
export async function recordLocalSignIn(
  db: Database,
  userId: string,
  now = new Date(),
): Promise<void> {
  await db.asUser(
    { userId, storeIds: [] },
    (tx) =>
      tx.update(staffUsers).set({ lastSignInAt: now, mfaAssurance: "totp" })
        .where(eq(staffUsers.id, userId)),
  );
}

/**
 * Activates a local account whose TOTP enrollment was just confirmed, in the
 * caller's transaction (the enrollment's): it is signed in from now on.
 */
export async function activateLocalAccountTx(
  tx: Tx,
  userId: string,
  now = new Date(),
): Promise<void> {
  await tx.update(staffUsers).set({
    status: "active",
    mfaAssurance: "totp",
    lastSignInAt: now,
  }).where(eq(staffUsers.id, userId));
}

// ── The first owner's one-time sign-in link ─────────────────────────────────

const FIRST_OWNER_TTL_MS = 15 * 60_000;
const firstOwnerKey = (hash: string) => ["first_owner_token", hash] as const;

/** Issues a single-use, 15-minute token; only its hash is stored. */
export async function issueFirstOwnerToken(kv: Deno.Kv): Promise<string> {
  const token = encodeHex(crypto.getRandomValues(new Uint8Array(32)));
  await kv.set(
    firstOwnerKey(await sha256Hex(token)),
    { issuedAt: Date.now() },
    {
      expireIn: FIRST_OWNER_TTL_MS,
    },
  );
  return token;
}

/** Whether a token is live (without using it up). */
export async function firstOwnerTokenValid(
  kv: Deno.Kv,
  token: string,
): Promise<boolean> {
  if (!/^[0-9a-f]{64}$/.test(token)) return false;
  const e = await kv.get<{ issuedAt: number }>(
    firstOwnerKey(await sha256Hex(token)),
  );
  return e.value !== null && Date.now() - e.value.issuedAt < FIRST_OWNER_TTL_MS;
}

/** Uses a token up; true only for the one caller that consumed it. */
export async function consumeFirstOwnerToken(
  kv: Deno.Kv,
  token: string,
): Promise<boolean> {
  if (!(await firstOwnerTokenValid(kv, token))) return false;
  const key = firstOwnerKey(await sha256Hex(token));
  const entry = await kv.get(key);
  if (entry.value === null) return false;
  const res = await kv.atomic().check(entry).delete(key).commit();
  return res.ok;
}

/**
 * Creates the first owner as a local account awaiting TOTP enrollment, or
 * returns null when an active staff member already exists.
 */
export async function createFirstOwner(
  db: Database,
  input: { email: string; displayName: string },
  now = new Date(),
): Promise<StaffUser | null> {
  const email = normaliseEmail(input.email);
  return await db.asUser({ userId: "", storeIds: [] }, async (tx) => {
    // Serialise concurrent first-owner attempts.
    await tx.execute(sql`select pg_advisory_xact_lock(7240917002)`);
    const active = await tx.select({ id: staffUsers.id }).from(staffUsers)
      .where(eq(staffUsers.status, "active")).limit(1);
    if (active.length > 0) return null;
    // An earlier attempt that never finished enrollment is replaced.
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
    return user;
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
