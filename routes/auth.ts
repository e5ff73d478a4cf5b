// Staff sign-in (Data Policy §5, §7, §8): invite-only single sign-on through
// @hono/oauth-providers, the break-glass local account with mandatory TOTP,
// the first owner's one-time link, sign-out and sign-out everywhere.
import { Hono } from "hono";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { githubAuth } from "@hono/oauth-providers/github";
import { googleAuth } from "@hono/oauth-providers/google";
import { msentraAuth } from "@hono/oauth-providers/msentra";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { localPath, plainText } from "../lib/validation.ts";
import type { Config } from "../lib/config.ts";
import type { Database } from "../db/client.ts";
import { staffUsers } from "../db/schema.ts";
import { recordAudit } from "../lib/security/audit.ts";
import type { AuditEventInput } from "../lib/security/audit.ts";
import {
  beginTotpEnrollment,
  confirmTotpEnrollment,
  setPassword,
  verifyLocalSignIn,
} from "../lib/security/local_accounts.ts";
import {
  clearFailures,
  lockedUntil,
  recordFailure,
} from "../lib/security/rate_limit.ts";
import {
  createSession,
  destroySession,
  destroyUserSessions,
  type SessionPolicy,
} from "../lib/security/sessions.ts";
import {
  completeSsoSignIn,
  consumeFirstOwnerToken,
  consumeSetupToken,
  createFirstOwner,
  findStaffByEmail,
  firstOwnerTokenValid,
  isGenericAddress,
  normaliseEmail,
  setupTokenUser,
} from "../lib/security/staff.ts";
import { sha256Hex } from "../lib/security/_hex.ts";
import { encodeHex } from "../lib/security/_hex.ts";
import type { Vault } from "../lib/security/vault.ts";
import {
  EnrollExpiredPage,
  EnrollPage,
  FirstOwnerPage,
  InvalidLinkPage,
  LocalSetupPage,
  RecoveryCodesPage,
  SignInPage,
} from "../views/auth/pages.tsx";
import { translator } from "../views/i18n.ts";
import { clientIp, SESSION_COOKIE } from "./access.ts";
import { page } from "./page.ts";

export interface AuthDeps {
  config: Config;
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  sessions: SessionPolicy;
}

const ENROLL_COOKIE = "custodian_enroll";
const ENROLL_TTL_MS = 15 * 60_000;
const enrollKey = (hash: string) => ["enrollment", hash] as const;

interface Enrollment {
  userId: string;
  /** The pending TOTP secret and URI, sealed, so a reload shows the same one. */
  secretJwe?: string;
}

const nextPath = localPath.catch("/");

const localForm = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(256),
  code: z.string().trim().min(6).max(32),
  next: nextPath.optional(),
});

const firstOwnerForm = z.object({
  displayName: plainText().trim().min(2).max(120),
  email: z.email().max(254),
  password: z.string().min(1).max(256),
  confirm: z.string().max(256),
});

/** The sign-in routes; providers appear only when configured. */
export function authRoutes(deps: AuthDeps): Hono {
  const { config, db, kv, vault } = deps;
  const app = new Hono();
  const lockout = {
    maxFailures: config.SIGNIN_MAX_FAILURES,
    lockoutMs: config.SIGNIN_LOCKOUT_MINUTES * 60_000,
  };
  const providers = configuredProviders(config);

  const audit = (
    c: Context,
    e: Omit<AuditEventInput, "ip" | "userAgent" | "requestId">,
  ) =>
    recordAudit(db, null, {
      ...e,
      ip: clientIp(c),
      userAgent: c.req.header("user-agent") ?? null,
      requestId: c.get("requestId"),
    });

  const startSession = async (c: Context, userId: string) => {
    // A new id at every sign-in: a session id planted earlier is worthless.
    const old = getCookie(c, SESSION_COOKIE, "host");
    if (old) await destroySession(kv, old);
    const id = await createSession(kv, deps.sessions, {
      userId,
      ip: clientIp(c),
      userAgent: c.req.header("user-agent"),
    });
    setCookie(c, SESSION_COOKIE, id, {
      prefix: "host",
      httpOnly: true,
      secure: true,
      sameSite: "Lax",
      path: "/",
    });
  };

  const signInPage = (
    c: Context,
    status: number,
    error?: string,
    email?: string,
  ) =>
    page(
      c,
      translator(c.get("lang"))("auth.signin.title"),
      SignInPage({
        lang: c.get("lang"),
        providers,
        next: nextPath.parse(c.req.query("next") ?? "/"),
        error,
        email,
      }),
      status,
    );

  app.get("/auth/signin", (c) => {
    const t = translator(c.get("lang"));
    const error = c.req.query("error");
    const message = error === "sso"
      ? t("auth.signin.sso_failed")
      : error === "not_invited"
      ? t("auth.signin.not_invited")
      : null;
    return signInPage(c, 200, message ?? undefined);
  });

  app.post("/auth/local", async (c) => {
    const t = translator(c.get("lang"));
    const parsed = localForm.safeParse(await c.req.parseBody());
    if (!parsed.success) return signInPage(c, 400, t("auth.signin.failed"));
    const { email, password, code } = parsed.data;
    const ip = clientIp(c) ?? "unknown";
    const locked = (await lockedUntil(kv, "email", email)) ??
      (await lockedUntil(kv, "ip", ip));
    if (locked) {
      await audit(c, {
        actorType: "anonymous",
        action: "auth.signin.locked",
        target: normaliseEmail(email),
        outcome: "denied",
      });
      return signInPage(c, 429, t("auth.signin.locked"), email);
    }
    const user = await findStaffByEmail(db, email);
    const result = user && user.kind === "local" && user.status === "active"
      ? await db.asUser(
        { userId: user.id, storeIds: [] },
        (tx) =>
          verifyLocalSignIn(
            tx,
            vault,
            user.id,
            password,
            secondFactor(code),
            new Date(),
          ),
      )
      : await db.asUser({ userId: "", storeIds: [] }, (tx) =>
        // Same work for unknown accounts, so timing tells nothing.
        verifyLocalSignIn(
          tx,
          vault,
          crypto.randomUUID(),
          password,
          {},
          new Date(),
        ));
    if (
      !result.ok || !user || user.kind !== "local" || user.status !== "active"
    ) {
      const reason = !user
        ? "unknown_account"
        : user.status !== "active"
        ? `account_${user.status}`
        : result.ok
        ? "not_local"
        : result.reason;
      const lockedNow = (await recordFailure(kv, lockout, "email", email)) ??
        (await recordFailure(kv, lockout, "ip", ip));
      await audit(c, {
        actorType: "anonymous",
        actorId: user?.id ?? null,
        action: "auth.signin.failed",
        target: normaliseEmail(email),
        outcome: "failure",
        details: { method: "local", reason, lockedOut: lockedNow !== null },
      });
      return signInPage(c, 401, t("auth.signin.failed"), email);
    }
    await clearFailures(kv, "email", email);
    await db.asUser(
      { userId: user.id, storeIds: [] },
      (tx) =>
        tx.update(staffUsers).set({
          lastSignInAt: new Date(),
          mfaAssurance: "totp",
        })
          .where(eq(staffUsers.id, user.id)),
    );
    await startSession(c, user.id);
    await audit(c, {
      actorType: "staff",
      actorId: user.id,
      action: "auth.signin.succeeded",
      target: user.email,
      outcome: "success",
      details: {
        method: "local",
        mfa: result.usedRecoveryCode ? "recovery_code" : "totp",
        recoveryCodesLeft: result.recoveryCodesLeft,
        passwordExpired: result.passwordExpired,
      },
    });
    // Amazon DPP: a password older than 365 days must be changed now.
    if (result.passwordExpired) {
      return c.redirect("/account/password?expired=1", 303);
    }
    return c.redirect(nextPath.parse(parsed.data.next ?? "/"), 303);
  });

  // Single sign-on: the library runs the OAuth dance; we decide who gets in.
  const finishSso = async (
    c: Context,
    provider: string,
    email: string | null | undefined,
  ) => {
    const outcome = await completeSsoSignIn(db, {
      email,
      allowedDomains: config.ALLOWED_EMAIL_DOMAINS,
    });
    if (!outcome.ok) {
      await audit(c, {
        actorType: "anonymous",
        action: "auth.signin.failed",
        target: email ? normaliseEmail(email) : null,
        outcome: "denied",
        details: { method: provider, reason: outcome.reason },
      });
      return c.redirect("/auth/signin?error=not_invited", 303);
    }
    await startSession(c, outcome.user.id);
    await audit(c, {
      actorType: "staff",
      actorId: outcome.user.id,
      action: "auth.signin.succeeded",
      target: outcome.user.email,
      outcome: "success",
      details: { method: provider, mfa: "idp" },
    });
    return c.redirect("/", 303);
  };
  const ssoFailures = (provider: string) =>
    async function ssoFailures(c: Context, next: () => Promise<void>) {
      await next();
      // Hono hands a thrown error to onError and records it in c.error:
      // state mismatch, a refused code exchange, a provider error.
      if (c.error instanceof HTTPException) {
        await audit(c, {
          actorType: "anonymous",
          action: "auth.signin.failed",
          outcome: "failure",
          details: {
            method: provider,
            reason: "provider_error",
            status: c.error.status,
          },
        });
        c.error = undefined;
        c.res = c.redirect("/auth/signin?error=sso", 303);
      }
    };
  const redirectUri = (id: string) => `${config.publicUrl}/auth/${id}`;
  if (config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET) {
    app.get(
      "/auth/google",
      ssoFailures("google"),
      googleAuth({
        client_id: config.GOOGLE_CLIENT_ID,
        client_secret: config.GOOGLE_CLIENT_SECRET,
        scope: ["openid", "email", "profile"],
        redirect_uri: redirectUri("google"),
      }),
      (c) => {
        const user = c.get("user-google");
        return finishSso(c, "google", user?.verified_email ? user.email : null);
      },
    );
  }
  if (
    config.MSENTRA_CLIENT_ID && config.MSENTRA_CLIENT_SECRET &&
    config.MSENTRA_TENANT_ID
  ) {
    app.get(
      "/auth/msentra",
      ssoFailures("msentra"),
      msentraAuth({
        client_id: config.MSENTRA_CLIENT_ID,
        client_secret: config.MSENTRA_CLIENT_SECRET,
        tenant_id: config.MSENTRA_TENANT_ID,
        scope: [
          "openid",
          "email",
          "profile",
          "https://graph.microsoft.com/.default",
        ],
        redirect_uri: redirectUri("msentra"),
      }),
      (c) => {
        const user = c.get("user-msentra") as
          | { mail?: string | null; userPrincipalName?: string }
          | undefined;
        return finishSso(c, "msentra", user?.mail ?? user?.userPrincipalName);
      },
    );
  }
  if (config.GITHUB_CLIENT_ID && config.GITHUB_CLIENT_SECRET) {
    app.get(
      "/auth/github",
      ssoFailures("github"),
      githubAuth({
        client_id: config.GITHUB_CLIENT_ID,
        client_secret: config.GITHUB_CLIENT_SECRET,
        scope: ["read:user", "user:email"],
        oauthApp: true,
        redirect_uri: redirectUri("github"),
      }),
      (c) => finishSso(c, "github", c.get("user-github")?.email),
    );
  }

  /** A one-time link that is unknown, used or expired: audited, then 410. */
  const refuseLink = async (c: Context, action: string) => {
    await audit(c, {
      actorType: "anonymous",
      action,
      outcome: "denied",
      details: { reason: "invalid_or_used_link" },
    });
    return page(c, "Custodian", InvalidLinkPage({ lang: c.get("lang") }), 410);
  };

  /** Hands the browser a 15-minute enrollment cookie for TOTP set-up. */
  const startEnrollment = async (c: Context, userId: string) => {
    const enrollId = encodeHex(crypto.getRandomValues(new Uint8Array(32)));
    await kv.set(
      enrollKey(await sha256Hex(enrollId)),
      { userId } satisfies Enrollment,
      {
        expireIn: ENROLL_TTL_MS,
      },
    );
    setCookie(c, ENROLL_COOKIE, enrollId, {
      prefix: "host",
      httpOnly: true,
      secure: true,
      sameSite: "Strict",
      path: "/",
      maxAge: ENROLL_TTL_MS / 1000,
    });
  };

  /**
   * The password is set: the one-time link is spent (only one request can),
   * the step is audited, and TOTP enrollment follows.
   */
  const spendLinkThenEnroll = async (
    c: Context,
    step: {
      spend: () => Promise<boolean>;
      action: string;
      user: { id: string; email: string };
    },
  ) => {
    if (!(await step.spend())) {
      return page(
        c,
        "Custodian",
        InvalidLinkPage({ lang: c.get("lang") }),
        410,
      );
    }
    await audit(c, {
      actorType: "anonymous",
      actorId: step.user.id,
      action: step.action,
      target: step.user.email,
      outcome: "success",
    });
    await startEnrollment(c, step.user.id);
    return c.redirect("/auth/enroll", 303);
  };

  // The first owner: a one-time link printed at start-up.
  app.get("/auth/first-owner/:token", async (c) => {
    const token = c.req.param("token");
    if (!(await firstOwnerTokenValid(kv, token))) {
      return await refuseLink(c, "auth.first_owner.refused");
    }
    return page(c, "Custodian", FirstOwnerPage({ lang: c.get("lang"), token }));
  });

  app.post("/auth/first-owner/:token", async (c) => {
    const t = translator(c.get("lang"));
    const token = c.req.param("token");
    if (!(await firstOwnerTokenValid(kv, token))) {
      return await refuseLink(c, "auth.first_owner.refused");
    }
    const form = await c.req.parseBody();
    const parsed = firstOwnerForm.safeParse(form);
    const again = (errors: string[]) =>
      page(
        c,
        t("auth.first.title"),
        FirstOwnerPage({
          lang: c.get("lang"),
          token,
          errors,
          email: typeof form.email === "string" ? form.email : "",
          displayName: typeof form.displayName === "string"
            ? form.displayName
            : "",
        }),
        400,
      );
    if (!parsed.success) {
      return again(
        parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`),
      );
    }
    const { email, displayName, password, confirm } = parsed.data;
    if (password !== confirm) return again([t("auth.password.mismatch")]);
    if (isGenericAddress(email)) {
      return again([
        "Use a personal address: shared or generic accounts are not allowed.",
      ]);
    }
    // Check the password before using the link up, so a typo costs nothing.
    const user = await createFirstOwner(db, { email, displayName });
    if (!user) {
      return page(
        c,
        "Custodian",
        InvalidLinkPage({ lang: c.get("lang") }),
        410,
      );
    }
    const set = await db.asUser(
      { userId: user.id, storeIds: [] },
      (tx) =>
        setPassword(tx, user.id, password, { email, displayName }, new Date()),
    );
    if (!set.ok) return again(set.problems.map((p) => p.message));
    return await spendLinkThenEnroll(c, {
      spend: () => consumeFirstOwnerToken(kv, token),
      action: "auth.first_owner.created",
      user,
    });
  });

  // Break-glass local accounts created by an owner: a one-time setup link.
  const setupUser = async (token: string) => {
    const userId = await setupTokenUser(kv, token);
    if (!userId) return null;
    const [user] = await db.asUser(
      { userId, storeIds: [] },
      (tx) => tx.select().from(staffUsers).where(eq(staffUsers.id, userId)),
    );
    return user && user.kind === "local" && user.status === "invited"
      ? user
      : null;
  };

  app.get("/auth/setup/:token", async (c) => {
    const user = await setupUser(c.req.param("token"));
    if (!user) {
      return await refuseLink(c, "auth.setup.refused");
    }
    return page(
      c,
      translator(c.get("lang"))("auth.setup.title"),
      LocalSetupPage({
        lang: c.get("lang"),
        token: c.req.param("token"),
        email: user.email,
        displayName: user.displayName,
      }),
    );
  });

  app.post("/auth/setup/:token", async (c) => {
    const t = translator(c.get("lang"));
    const token = c.req.param("token");
    const user = await setupUser(token);
    if (!user) {
      return await refuseLink(c, "auth.setup.refused");
    }
    const form = z.object({
      password: z.string().min(1).max(256),
      confirm: z.string().max(256),
    }).safeParse(await c.req.parseBody());
    const again = (errors: string[]) =>
      page(
        c,
        t("auth.setup.title"),
        LocalSetupPage({
          lang: c.get("lang"),
          token,
          email: user.email,
          displayName: user.displayName,
          errors,
        }),
        400,
      );
    if (!form.success) return again([t("account.password.invalid")]);
    if (form.data.password !== form.data.confirm) {
      return again([t("auth.password.mismatch")]);
    }
    const set = await db.asUser(
      { userId: user.id, storeIds: [] },
      (tx) =>
        setPassword(tx, user.id, form.data.password, {
          email: user.email,
          displayName: user.displayName,
        }, new Date()),
    );
    if (!set.ok) return again(set.problems.map((p) => p.message));
    return await spendLinkThenEnroll(c, {
      spend: () => consumeSetupToken(kv, token),
      action: "auth.setup.password",
      user,
    });
  });

  const enrollingUser = async (c: Context) => {
    const id = getCookie(c, ENROLL_COOKIE, "host");
    if (!id || !/^[0-9a-f]{64}$/.test(id)) return null;
    const e = await kv.get<Enrollment>(enrollKey(await sha256Hex(id)));
    if (!e.value) return null;
    const [user] = await db.asUser(
      { userId: e.value.userId, storeIds: [] },
      (tx) =>
        tx.select().from(staffUsers).where(eq(staffUsers.id, e.value!.userId)),
    );
    return user ? { user, id, entry: e } : null;
  };

  /** The pending secret: created once per enrollment, kept sealed in KV. */
  const pendingSecret = async (
    enrolling: NonNullable<Awaited<ReturnType<typeof enrollingUser>>>,
  ) => {
    const { user, entry } = enrolling;
    if (entry.value?.secretJwe) {
      return JSON.parse(
        await vault.open(entry.value.secretJwe, "totp_enrollment"),
      ) as {
        base32: string;
        uri: string;
      };
    }
    const secret = await db.asUser(
      { userId: user.id, storeIds: [] },
      (tx) => beginTotpEnrollment(tx, vault, user.id, user.email),
    );
    const sealed = await vault.seal(JSON.stringify(secret), "totp_enrollment");
    await kv.atomic().check(entry).set(entry.key, {
      ...entry.value!,
      secretJwe: sealed,
    }, {
      expireIn: ENROLL_TTL_MS,
    }).commit();
    return secret;
  };

  app.get("/auth/enroll", async (c) => {
    const t = translator(c.get("lang"));
    const enrolling = await enrollingUser(c);
    if (!enrolling) {
      return page(
        c,
        t("auth.enroll.title"),
        EnrollExpiredPage({ lang: c.get("lang") }),
        410,
      );
    }
    const secret = await pendingSecret(enrolling);
    c.header("Cache-Control", "no-store");
    return page(
      c,
      t("auth.enroll.title"),
      EnrollPage({
        lang: c.get("lang"),
        secret: secret.base32,
        uri: secret.uri,
      }),
    );
  });

  app.post("/auth/enroll", async (c) => {
    const t = translator(c.get("lang"));
    const enrolling = await enrollingUser(c);
    if (!enrolling) {
      return page(
        c,
        t("auth.enroll.title"),
        EnrollExpiredPage({ lang: c.get("lang") }),
        410,
      );
    }
    const { user, id } = enrolling;
    const code = z.string().regex(/^\d{6}$/).safeParse(
      (await c.req.parseBody()).code,
    );
    const result = code.success
      ? await db.asUser({ userId: user.id, storeIds: [] }, async (tx) => {
        const r = await confirmTotpEnrollment(
          tx,
          vault,
          user.id,
          code.data,
          new Date(),
        );
        if (r.ok) {
          await tx.update(staffUsers).set({
            status: "active",
            mfaAssurance: "totp",
            lastSignInAt: new Date(),
          }).where(eq(staffUsers.id, user.id));
        }
        return r;
      })
      : { ok: false as const };
    if (!result.ok) {
      await audit(c, {
        actorType: "anonymous",
        actorId: user.id,
        action: "auth.mfa.enroll",
        outcome: "failure",
      });
      // The pending secret stays; show the page again with the same secret.
      const secret = await pendingSecret(enrolling);
      c.header("Cache-Control", "no-store");
      return page(
        c,
        t("auth.enroll.title"),
        EnrollPage({
          lang: c.get("lang"),
          secret: secret.base32,
          uri: secret.uri,
          error: t("auth.enroll.bad_code"),
        }),
        400,
      );
    }
    await kv.delete(enrollKey(await sha256Hex(id)));
    deleteCookie(c, ENROLL_COOKIE, { prefix: "host", path: "/", secure: true });
    await startSession(c, user.id);
    await audit(c, {
      actorType: "staff",
      actorId: user.id,
      action: "auth.mfa.enroll",
      target: user.email,
      outcome: "success",
    });
    c.header("Cache-Control", "no-store");
    return page(
      c,
      t("auth.recovery.title"),
      RecoveryCodesPage({
        lang: c.get("lang"),
        codes: result.recoveryCodes,
      }),
    );
  });

  app.post("/auth/signout", async (c) => {
    const principal = c.get("principal")!;
    const id = getCookie(c, SESSION_COOKIE, "host");
    if (id) await destroySession(kv, id);
    deleteCookie(c, SESSION_COOKIE, {
      prefix: "host",
      path: "/",
      secure: true,
    });
    await audit(c, {
      actorType: "staff",
      actorId: principal.userId,
      action: "auth.signout",
      outcome: "success",
    });
    return c.redirect("/auth/signin", 303);
  });

  app.post("/auth/signout-everywhere", async (c) => {
    const principal = c.get("principal")!;
    const ended = await destroyUserSessions(kv, principal.userId);
    deleteCookie(c, SESSION_COOKIE, {
      prefix: "host",
      path: "/",
      secure: true,
    });
    await audit(c, {
      actorType: "staff",
      actorId: principal.userId,
      action: "auth.signout.everywhere",
      outcome: "success",
      details: { sessionsEnded: ended },
    });
    return c.redirect("/auth/signin", 303);
  });

  return app;
}

function secondFactor(code: string): { totp?: string; recoveryCode?: string } {
  return /^\d{6}$/.test(code) ? { totp: code } : { recoveryCode: code };
}

/** The single sign-on providers that configuration enables. */
export function configuredProviders(config: Config) {
  const list: { id: string; label: string }[] = [];
  if (config.GOOGLE_CLIENT_ID) list.push({ id: "google", label: "Google" });
  if (config.MSENTRA_CLIENT_ID) {
    list.push({ id: "msentra", label: "Microsoft Entra ID" });
  }
  if (config.GITHUB_CLIENT_ID) list.push({ id: "github", label: "GitHub" });
  return list;
}
