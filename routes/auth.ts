// Staff sign-in (Data Policy §5, §7, §8): invite-only single sign-on through
// @hono/oauth-providers, the break-glass local account with mandatory TOTP,
// the first owner's one-time link, sign-out and sign-out everywhere. The
// sequences (lockout, checks, sessions, enrollment, audit) are
// lib/security/signin.ts's and enrollment.ts's; this module parses forms,
// sets or clears the cookies and renders.
import { Hono } from "hono";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { githubAuth } from "@hono/oauth-providers/github";
import { googleAuth } from "@hono/oauth-providers/google";
import { msentraAuth } from "@hono/oauth-providers/msentra";
import { z } from "zod";
import { localPath, plainText } from "../lib/validation.ts";
import type { Config } from "../lib/config.ts";
import type { Database } from "../db/client.ts";
import {
  checkFirstOwnerLink,
  completeLocalSetup,
  confirmEnrollment,
  createFirstOwnerAccount,
  ENROLL_TTL_MS,
  enrollmentSecret,
  openSetupLink,
} from "../lib/security/enrollment.ts";
import {
  recordSsoFailure,
  type SessionRequest,
  signInLocal,
  signInSso,
  signOut,
  signOutEverywhere,
} from "../lib/security/signin.ts";
import type { SessionPolicy } from "../lib/security/sessions.ts";
import { otpauthQrSvg } from "../lib/security/totp.ts";
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
import {
  ENROLL_COOKIE,
  requestMeta,
  requirePrincipal,
  SESSION_COOKIE,
} from "./context.ts";
import { page } from "./page.ts";

export interface AuthDeps {
  config: Config;
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  sessions: SessionPolicy;
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

const setupForm = z.object({
  password: z.string().min(1).max(256),
  confirm: z.string().max(256),
});

const totpCode = z.string().regex(/^\d{6}$/);

/** The first owner's form fields, in the order their messages are shown. */
const FIRST_OWNER_FIELDS = [
  "displayName",
  "email",
  "password",
  "confirm",
] as const;

/** The sign-in routes; providers appear only when configured. */
export function authRoutes(deps: AuthDeps): Hono {
  const { config } = deps;
  const app = new Hono();
  const signIn = {
    ...deps,
    lockout: {
      address: {
        maxFailures: config.SIGNIN_MAX_FAILURES,
        lockoutMs: config.SIGNIN_LOCKOUT_MINUTES * 60_000,
      },
      account: {
        maxFailures: config.SIGNIN_ACCOUNT_MAX_FAILURES,
        lockoutMs: config.SIGNIN_ACCOUNT_LOCKOUT_MINUTES * 60_000,
      },
    },
    allowedDomains: config.ALLOWED_EMAIL_DOMAINS,
  };
  const providers = configuredProviders(config);

  /** The request, with the session id the browser holds (ended on sign-in). */
  const sessionRequest = (c: Context): SessionRequest => ({
    ...requestMeta(c),
    previousSessionId: getCookie(c, SESSION_COOKIE, "host"),
  });
  const setSessionCookie = (c: Context, id: string) =>
    setCookie(c, SESSION_COOKIE, id, {
      prefix: "host",
      httpOnly: true,
      secure: true,
      sameSite: "Lax",
      path: "/",
    });
  const clearSessionCookie = (c: Context) =>
    deleteCookie(c, SESSION_COOKIE, {
      prefix: "host",
      path: "/",
      secure: true,
    });

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
    const out = await signInLocal(
      signIn,
      { email, password, code },
      sessionRequest(c),
    );
    if (out.kind === "locked") {
      return signInPage(c, 429, t("auth.signin.locked"), email);
    }
    if (out.kind === "failed") {
      return signInPage(c, 401, t("auth.signin.failed"), email);
    }
    setSessionCookie(c, out.sessionId);
    // Amazon DPP: a password older than 365 days must be changed now.
    if (out.passwordExpired) {
      return c.redirect("/account/password?expired=1", 303);
    }
    return c.redirect(nextPath.parse(parsed.data.next ?? "/"), 303);
  });

  // Single sign-on: the library runs the OAuth dance; lib/ decides who gets in.
  const finishSso = async (
    c: Context,
    provider: string,
    email: string | null | undefined,
  ) => {
    const out = await signInSso(signIn, { provider, email }, sessionRequest(c));
    if (!out) return c.redirect("/auth/signin?error=not_invited", 303);
    setSessionCookie(c, out.sessionId);
    return c.redirect("/", 303);
  };
  const ssoFailures = (provider: string) =>
    async function ssoFailures(c: Context, next: () => Promise<void>) {
      await next();
      // Hono hands a thrown error to onError and records it in c.error:
      // state mismatch, a refused code exchange, a provider error.
      if (c.error instanceof HTTPException) {
        await recordSsoFailure(
          deps.db,
          provider,
          c.error.status,
          requestMeta(c),
        );
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

  /** A one-time link that is unknown, used or expired: 410. */
  const invalidLink = (c: Context) =>
    page(
      c,
      translator(c.get("lang"))("app.name"),
      InvalidLinkPage({ lang: c.get("lang") }),
      410,
    );

  /** Hands the browser the enrollment's cookie and sends it to enroll. */
  const toEnrollment = (c: Context, enrollId: string) => {
    setCookie(c, ENROLL_COOKIE, enrollId, {
      prefix: "host",
      httpOnly: true,
      secure: true,
      sameSite: "Strict",
      path: "/",
      maxAge: ENROLL_TTL_MS / 1000,
    });
    return c.redirect("/auth/enroll", 303);
  };

  // The first owner: a one-time link printed at start-up.
  app.get("/auth/first-owner/:token", async (c) => {
    const token = c.req.param("token");
    if (!(await checkFirstOwnerLink(deps, token, requestMeta(c)))) {
      return invalidLink(c);
    }
    return page(
      c,
      translator(c.get("lang"))("auth.first.title"),
      FirstOwnerPage({ lang: c.get("lang"), token }),
    );
  });

  app.post("/auth/first-owner/:token", async (c) => {
    const t = translator(c.get("lang"));
    const token = c.req.param("token");
    if (!(await checkFirstOwnerLink(deps, token, requestMeta(c)))) {
      return invalidLink(c);
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
      // One catalogue message per field, never the validator's own words.
      const fields = new Set(parsed.error.issues.map((i) => String(i.path[0])));
      return again(
        FIRST_OWNER_FIELDS.filter((f) => fields.has(f)).map((f) =>
          t(`auth.first.field.${f === "confirm" ? "password" : f}`)
        ).filter((m, i, all) => all.indexOf(m) === i),
      );
    }
    const { email, displayName, password, confirm } = parsed.data;
    if (password !== confirm) return again([t("auth.password.mismatch")]);
    const out = await createFirstOwnerAccount(
      deps,
      token,
      { email, displayName, password },
      requestMeta(c),
    );
    switch (out.kind) {
      case "generic_address":
        return again([t("auth.generic_address")]);
      case "email_taken":
        return again([t("auth.first.email_taken")]);
      case "password_problems":
        return again(
          out.problems.map((p) => t(`password.problem.${p.code}`, p.params)),
        );
      case "invalid_link":
        return invalidLink(c);
      case "enroll":
        return toEnrollment(c, out.enrollId);
    }
  });

  // Break-glass local accounts created by an owner: a one-time setup link.
  app.get("/auth/setup/:token", async (c) => {
    const token = c.req.param("token");
    const user = await openSetupLink(deps, token, requestMeta(c));
    if (!user) return invalidLink(c);
    return page(
      c,
      translator(c.get("lang"))("auth.setup.title"),
      LocalSetupPage({
        lang: c.get("lang"),
        token,
        email: user.email,
        displayName: user.displayName,
      }),
    );
  });

  app.post("/auth/setup/:token", async (c) => {
    const t = translator(c.get("lang"));
    const token = c.req.param("token");
    const user = await openSetupLink(deps, token, requestMeta(c));
    if (!user) return invalidLink(c);
    const form = setupForm.safeParse(await c.req.parseBody());
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
    const out = await completeLocalSetup(
      deps,
      token,
      user,
      form.data.password,
      requestMeta(c),
    );
    switch (out.kind) {
      case "password_problems":
        return again(
          out.problems.map((p) => t(`password.problem.${p.code}`, p.params)),
        );
      case "generic_address":
      case "email_taken":
      case "invalid_link":
        return invalidLink(c);
      case "enroll":
        return toEnrollment(c, out.enrollId);
    }
  });

  const enrollId = (c: Context) => getCookie(c, ENROLL_COOKIE, "host");
  const enrollPage = async (
    c: Context,
    secret: { base32: string; uri: string },
    error?: string,
  ) => {
    c.header("Cache-Control", "no-store");
    return page(
      c,
      translator(c.get("lang"))("auth.enroll.title"),
      EnrollPage({
        lang: c.get("lang"),
        secret: secret.base32,
        uri: secret.uri,
        qrSvg: await otpauthQrSvg(secret.uri),
        error,
      }),
      error ? 400 : 200,
    );
  };
  const enrollExpired = (c: Context, refused = false) =>
    page(
      c,
      translator(c.get("lang"))("auth.enroll.title"),
      EnrollExpiredPage({ lang: c.get("lang"), refused }),
      refused ? 403 : 410,
    );

  app.get("/auth/enroll", async (c) => {
    const secret = await enrollmentSecret(deps, enrollId(c));
    if (!secret) return enrollExpired(c);
    return enrollPage(c, secret);
  });

  app.post("/auth/enroll", async (c) => {
    const t = translator(c.get("lang"));
    const code = totpCode.safeParse((await c.req.parseBody()).code);
    const out = await confirmEnrollment(
      deps,
      enrollId(c),
      code.success ? code.data : null,
      sessionRequest(c),
    );
    if (out.kind === "expired") return enrollExpired(c);
    if (out.kind === "refused") {
      deleteCookie(c, ENROLL_COOKIE, {
        prefix: "host",
        path: "/",
        secure: true,
      });
      return enrollExpired(c, true);
    }
    if (out.kind === "bad_code") {
      return enrollPage(c, out.secret, t("auth.enroll.bad_code"));
    }
    deleteCookie(c, ENROLL_COOKIE, { prefix: "host", path: "/", secure: true });
    setSessionCookie(c, out.sessionId);
    c.header("Cache-Control", "no-store");
    return page(
      c,
      t("auth.recovery.title"),
      RecoveryCodesPage({
        lang: c.get("lang"),
        codes: out.recoveryCodes,
      }),
    );
  });

  app.post("/auth/signout", async (c) => {
    const principal = requirePrincipal(c);
    const id = getCookie(c, SESSION_COOKIE, "host");
    clearSessionCookie(c);
    await signOut(deps, principal, id, requestMeta(c));
    return c.redirect("/auth/signin", 303);
  });

  app.post("/auth/signout-everywhere", async (c) => {
    const principal = requirePrincipal(c);
    clearSessionCookie(c);
    await signOutEverywhere(deps, principal, requestMeta(c));
    return c.redirect("/auth/signin", 303);
  });

  return app;
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
