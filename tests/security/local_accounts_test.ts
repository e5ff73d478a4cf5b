import assert from "node:assert/strict";
import { Secret, TOTP } from "otpauth";
import { eq } from "drizzle-orm";
import { localCredentials, roles, staffUsers } from "../../db/schema.ts";
import type { Database, Tx } from "../../db/client.ts";
import {
  beginTotpEnrollment,
  confirmTotpEnrollment,
  hasLocalCredentials,
  setPassword,
  totpEnrolled,
  verifyLocalSignIn,
} from "../../lib/security/local_accounts.ts";
import { totpReplayGuard } from "../../lib/security/totp.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import { openTestDatabase, ownerOf } from "../_helpers/test_db.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const t0 = new Date("2026-03-01T09:00:00Z");
const after = (ms: number) => new Date(t0.getTime() + ms);

const email = "ann.lee@example.com";
const displayName = "Annabel Lee";
const ctx = { email, displayName };
const first = "Tr4vel-Kettle-Pine";
const second = "Quiet-Harbor-93-Moss";

const tokenAt = (base32: string, when: Date) =>
  new TOTP({
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(base32),
  })
    .generate({ timestamp: when.getTime() });

/** A token that is not valid at `when` (none of the three accepted steps). */
function wrongToken(base32: string, when: Date): string {
  const valid = new Set(
    [-30_000, 0, 30_000].map((d) =>
      tokenAt(base32, new Date(when.getTime() + d))
    ),
  );
  for (let n = 0;; n++) {
    const candidate = String(n).padStart(6, "0");
    if (!valid.has(candidate)) return candidate;
  }
}

async function makeLocalUser(db: Database, address = email): Promise<string> {
  const owner = ownerOf(db);
  await owner.insert(roles).values({
    name: "owner",
    description: "x",
    permissions: [],
  })
    .onConflictDoNothing();
  const [user] = await owner.insert(staffUsers).values({
    email: address,
    displayName,
    kind: "local",
    role: "owner",
    status: "invited",
  }).returning();
  return user.id;
}

async function credentialRow(db: Database, userId: string) {
  const [row] = await ownerOf(db).select().from(localCredentials)
    .where(eq(localCredentials.userId, userId));
  return row;
}

Deno.test("local account: password, enrollment and sign-in", async () => {
  await using t = await openTestDatabase();
  const vault = createVault([{ kid: "test", key: generateVaultKey() }]);
  using kv = await Deno.openKv(":memory:");
  const steps = totpReplayGuard(kv);
  const userId = await makeLocalUser(t.db);
  const as = <T>(fn: (tx: Tx) => Promise<T>) =>
    t.db.asUser({ userId, storeIds: [] }, fn);

  // No credentials yet.
  assert.equal(await as((tx) => hasLocalCredentials(tx, userId)), false);
  assert.equal(await as((tx) => totpEnrolled(tx, userId)), false);
  assert.deepEqual(
    await as((tx) =>
      verifyLocalSignIn(tx, vault, userId, first, { totp: "123456" }, t0, steps)
    ),
    { ok: false, reason: "no_credentials" },
  );
  await assert.rejects(
    as((tx) => beginTotpEnrollment(tx, vault, userId, email)),
  );

  // A weak password is refused with its problems.
  const weak = await as((tx) => setPassword(tx, userId, "annabel", ctx, t0));
  assert.equal(weak.ok, false);
  assert.ok(!weak.ok && weak.problems.some((p) => p.code === "too_short"));
  assert.ok(
    !weak.ok && weak.problems.some((p) => p.code === "contains_user_name"),
  );
  assert.equal(await as((tx) => hasLocalCredentials(tx, userId)), false);

  // The first password is always allowed.
  assert.deepEqual(await as((tx) => setPassword(tx, userId, first, ctx, t0)), {
    ok: true,
  });
  assert.equal(await as((tx) => hasLocalCredentials(tx, userId)), true);
  let row = await credentialRow(t.db, userId);
  assert.match(row.passwordHash, /^scrypt\$/);
  assert.ok(!row.passwordHash.includes(first));
  assert.equal(row.passwordChangedAt.getTime(), t0.getTime());

  // A second change within 24 hours is refused; at 24 hours it is allowed.
  const soon = await as((tx) =>
    setPassword(tx, userId, second, ctx, after(23 * HOUR))
  );
  assert.deepEqual(soon.ok ? [] : soon.problems.map((p) => p.code), [
    "too_soon",
  ]);
  assert.equal(
    (await credentialRow(t.db, userId)).passwordHash,
    row.passwordHash,
  );
  assert.deepEqual(
    await as((tx) => setPassword(tx, userId, second, ctx, after(DAY))),
    { ok: true },
  );
  row = await credentialRow(t.db, userId);
  assert.equal(row.passwordChangedAt.getTime(), after(DAY).getTime());
  const now = after(2 * DAY);

  // Password right but no authenticator yet.
  assert.deepEqual(
    await as((tx) =>
      verifyLocalSignIn(
        tx,
        vault,
        userId,
        second,
        { totp: "123456" },
        now,
        steps,
      )
    ),
    { ok: false, reason: "mfa_not_enrolled" },
  );

  // Enrollment: the secret is stored only sealed.
  const secret = await as((tx) =>
    beginTotpEnrollment(tx, vault, userId, email)
  );
  assert.match(secret.base32, /^[A-Z2-7]{32}$/);
  assert.ok(secret.uri.startsWith("otpauth://totp/Custodian:"));
  assert.ok(secret.uri.includes(`secret=${secret.base32}`));
  row = await credentialRow(t.db, userId);
  assert.ok(row.totpSecretJwe);
  assert.equal(row.totpSecretJwe.split(".").length, 5);
  assert.ok(!row.totpSecretJwe.includes(secret.base32));
  assert.ok(
    !row.totpSecretJwe.toLowerCase().includes(secret.base32.toLowerCase()),
  );
  assert.equal(row.totpConfirmedAt, null);
  assert.equal(
    await vault.open(row.totpSecretJwe, "totp_secret"),
    secret.base32,
  );
  assert.equal(await as((tx) => totpEnrolled(tx, userId)), false);
  assert.deepEqual(
    await as((tx) =>
      verifyLocalSignIn(
        tx,
        vault,
        userId,
        second,
        {
          totp: tokenAt(secret.base32, now),
        },
        now,
        steps,
      )
    ),
    { ok: false, reason: "mfa_not_enrolled" },
  );

  // A wrong code does not confirm; the right one does, once.
  assert.deepEqual(
    await as((tx) =>
      confirmTotpEnrollment(
        tx,
        vault,
        userId,
        wrongToken(secret.base32, now),
        now,
        steps,
      )
    ),
    { ok: false },
  );
  assert.equal(await as((tx) => totpEnrolled(tx, userId)), false);
  const confirmed = await as((tx) =>
    confirmTotpEnrollment(
      tx,
      vault,
      userId,
      tokenAt(secret.base32, now),
      now,
      steps,
    )
  );
  assert.ok(confirmed.ok);
  const codes = confirmed.recoveryCodes;
  assert.equal(codes.length, 10);
  assert.equal(await as((tx) => totpEnrolled(tx, userId)), true);
  row = await credentialRow(t.db, userId);
  assert.equal(row.totpConfirmedAt?.getTime(), now.getTime());
  assert.equal(row.recoveryCodeHashes.length, 10);
  for (const code of codes) {
    assert.ok(
      !row.recoveryCodeHashes.some((h) => h.includes(code.replaceAll("-", ""))),
    );
  }
  assert.deepEqual(
    await as((tx) =>
      confirmTotpEnrollment(
        tx,
        vault,
        userId,
        tokenAt(secret.base32, now),
        now,
        steps,
      )
    ),
    { ok: false },
    "an enrollment is confirmed only once",
  );

  // Sign-in.
  const signIn = (
    password: string,
    factor: { totp?: string; recoveryCode?: string },
    when = now,
  ) =>
    as((tx) =>
      verifyLocalSignIn(tx, vault, userId, password, factor, when, steps)
    );
  assert.deepEqual(await signIn(first, { totp: tokenAt(secret.base32, now) }), {
    ok: false,
    reason: "bad_password",
  });
  assert.deepEqual(
    await signIn(second, { totp: wrongToken(secret.base32, now) }),
    {
      ok: false,
      reason: "bad_second_factor",
    },
  );
  assert.deepEqual(await signIn(second, {}), {
    ok: false,
    reason: "bad_second_factor",
  });
  // The code that confirmed the enrollment does not sign in; the next
  // step's does, once (issue #11).
  assert.deepEqual(
    await signIn(second, { totp: tokenAt(secret.base32, now) }),
    { ok: false, reason: "totp_reused" },
  );
  const next = new Date(now.getTime() + 30_000);
  assert.deepEqual(
    await signIn(second, { totp: tokenAt(secret.base32, next) }, next),
    {
      ok: true,
      passwordExpired: false,
      usedRecoveryCode: false,
      recoveryCodesLeft: 10,
    },
  );
  assert.deepEqual(
    await signIn(second, { totp: tokenAt(secret.base32, next) }, next),
    { ok: false, reason: "totp_reused" },
  );

  // A recovery code works once, in any case and spacing, and not twice.
  assert.deepEqual(
    await signIn(second, { recoveryCode: ` ${codes[3].toUpperCase()} ` }),
    {
      ok: true,
      passwordExpired: false,
      usedRecoveryCode: true,
      recoveryCodesLeft: 9,
    },
  );
  assert.deepEqual(await signIn(second, { recoveryCode: codes[3] }), {
    ok: false,
    reason: "bad_second_factor",
  });
  assert.deepEqual(await signIn(second, { recoveryCode: "zzzz-zzzz-zzzz" }), {
    ok: false,
    reason: "bad_second_factor",
  });
  assert.equal(
    (await credentialRow(t.db, userId)).recoveryCodeHashes.length,
    9,
  );

  // A recovery code with a wrong password is not used up.
  assert.deepEqual(await signIn(first, { recoveryCode: codes[4] }), {
    ok: false,
    reason: "bad_password",
  });
  assert.equal(
    (await credentialRow(t.db, userId)).recoveryCodeHashes.length,
    9,
  );

  // After 365 days the password still signs in but is reported expired.
  const later = after(DAY + 365 * DAY);
  const expired = await signIn(
    second,
    { totp: tokenAt(secret.base32, later) },
    later,
  );
  assert.ok(expired.ok && expired.passwordExpired);
});

Deno.test("local account: a recovery code is used up once under concurrency", async () => {
  await using t = await openTestDatabase();
  const vault = createVault([{ kid: "test", key: generateVaultKey() }]);
  using kv = await Deno.openKv(":memory:");
  const steps = totpReplayGuard(kv);
  const userId = await makeLocalUser(t.db);
  const as = <T>(fn: (tx: Tx) => Promise<T>) =>
    t.db.asUser({ userId, storeIds: [] }, fn);
  await as((tx) => setPassword(tx, userId, first, ctx, t0));
  const secret = await as((tx) =>
    beginTotpEnrollment(tx, vault, userId, email)
  );
  const confirmed = await as((tx) =>
    confirmTotpEnrollment(
      tx,
      vault,
      userId,
      tokenAt(secret.base32, t0),
      t0,
      steps,
    )
  );
  assert.ok(confirmed.ok);
  const code = confirmed.recoveryCodes[0];
  const results = await Promise.all(
    [1, 2, 3].map(() =>
      as((tx) =>
        verifyLocalSignIn(
          tx,
          vault,
          userId,
          first,
          { recoveryCode: code },
          t0,
          steps,
        )
      )
    ),
  );
  assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
  assert.equal(
    (await credentialRow(t.db, userId)).recoveryCodeHashes.length,
    9,
  );
});

Deno.test("local account: unknown or other users have no credentials", async () => {
  await using t = await openTestDatabase();
  const vault = createVault([{ kid: "test", key: generateVaultKey() }]);
  using kv = await Deno.openKv(":memory:");
  const steps = totpReplayGuard(kv);
  const userId = await makeLocalUser(t.db);
  const other = await makeLocalUser(t.db, "bo.other@example.com");
  await t.db.asUser(
    { userId, storeIds: [] },
    (tx) => setPassword(tx, userId, first, ctx, t0),
  );
  for (const id of [other, crypto.randomUUID(), "not-a-uuid"]) {
    assert.deepEqual(
      await t.db.asUser(
        { userId: "", storeIds: [] },
        (tx) => verifyLocalSignIn(tx, vault, id, first, {}, t0, steps),
      ),
      { ok: false, reason: "no_credentials" },
    );
    assert.equal(
      await t.db.asUser(
        { userId: "", storeIds: [] },
        (tx) => hasLocalCredentials(tx, id),
      ),
      false,
    );
  }
});
