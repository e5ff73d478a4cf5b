// A staff member's own account: the account page (sessions, time zone,
// recovery codes, authenticator) and changing a local password (Amazon DPP:
// at least every 365 days, not more than once a day). Every sequence is
// lib/security/own_account.ts's; this module parses forms and renders.
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import {
  cancelAuthenticatorReset,
  changeOwnPassword,
  confirmAuthenticatorReset,
  hasOwnPassword,
  isTimeZone,
  ownAccountOverview,
  pendingAuthenticatorReset,
  regenerateOwnRecoveryCodes,
  setOwnTimeZone,
  signOutOtherOwnSessions,
  signOutOwnSession,
  startAuthenticatorReset,
  timeZoneChoices,
} from "../lib/security/own_account.ts";
import type { SessionPolicy } from "../lib/security/sessions.ts";
import { otpauthQrSvg } from "../lib/security/totp.ts";
import type { Vault } from "../lib/security/vault.ts";
import { PasswordChangePage } from "../views/auth/pages.tsx";
import { accountMessages } from "../views/account/messages.ts";
import {
  AccountPage,
  type AccountPageProps,
  NewAuthenticatorPage,
  NewRecoveryCodesPage,
} from "../views/account/pages.tsx";
import { translator } from "../views/i18n.ts";
import { readerZone, requestMeta, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";

const form = z.object({
  current: z.string().min(1).max(256),
  password: z.string().min(1).max(256),
  confirm: z.string().max(256),
});

/** An empty field is an absent one. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const sixDigits = z.string().trim().regex(/^\d{6}$/);

/** The password, a current code, or both (which are needed is lib/'s rule). */
const proofForm = z.object({
  password: optional(z.string().max(256)),
  code: optional(sixDigits),
});

const timeZoneForm = z.object({
  timeZone: z.string().max(64).refine((v) => v === "" || isTimeZone(v)),
});

const codeForm = z.object({ code: sixDigits });

const RECOVERY_CODE = /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/;
const downloadForm = z.object({
  code: z.union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().regex(RECOVERY_CODE)).min(1).max(20)),
});

const sessionRef = z.string().regex(/^[0-9a-f]{32}$/);

export interface AccountDeps {
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  sessions: SessionPolicy;
}

export function accountRoutes(deps: AccountDeps): Hono {
  const { db } = deps;
  const app = new Hono();

  /** The account page, with what a refused form or a redirect adds. */
  const accountPage = async (
    c: Context,
    extra:
      & Pick<
        AccountPageProps,
        "notice" | "codesError" | "mfaError"
      >
      & { tzError?: { value: string; message: string } } = {},
    status = 200,
  ) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const overview = await ownAccountOverview(deps, principal);
    c.header("Cache-Control", "no-store");
    return page(
      c,
      accountMessages.t(lang, "account.title"),
      AccountPage({
        lang,
        zone: readerZone(c),
        timeZone: {
          chosen: overview.timeZone,
          defaultZone: c.get("defaultZone") ?? "UTC",
          choices: timeZoneChoices(),
          error: extra.tzError,
        },
        sessions: overview.sessions,
        local: overview.local,
        notice: extra.notice,
        codesError: extra.codesError,
        mfaError: extra.mfaError,
      }),
      status,
    );
  };

  app.get("/account", (c) => {
    const a = accountMessages.translator(c.get("lang"));
    const count = Number(c.req.query("count") ?? "0");
    const notices: Record<string, string> = {
      tz_saved: a("account.tz.saved", { zone: readerZone(c) }),
      session_ended: a("account.sessions.ended"),
      others_ended: a("account.sessions.endedOthers", {
        count: Number.isSafeInteger(count) ? count : 0,
      }),
      session_gone: a("account.sessions.gone"),
      mfa_expired: a("account.mfa.new.expired"),
    };
    const done = c.req.query("done") ?? "";
    return accountPage(c, {
      notice: Object.hasOwn(notices, done) ? notices[done] : null,
    });
  });

  app.post("/account/time-zone", async (c) => {
    const principal = requirePrincipal(c);
    const body = await c.req.parseBody();
    const parsed = timeZoneForm.safeParse(body);
    const refuse = () =>
      accountPage(c, {
        tzError: {
          value: typeof body.timeZone === "string"
            ? body.timeZone.slice(0, 64)
            : "",
          message: accountMessages.t(c.get("lang"), "account.tz.invalid"),
        },
      }, 400);
    if (!parsed.success) return await refuse();
    const zone = parsed.data.timeZone === "" ? null : parsed.data.timeZone;
    if (!(await setOwnTimeZone(db, principal, zone, requestMeta(c)))) {
      return await refuse();
    }
    return c.redirect("/account?done=tz_saved", 303);
  });

  app.post("/account/sessions/signout-others", async (c) => {
    const principal = requirePrincipal(c);
    const n = await signOutOtherOwnSessions(deps, principal, requestMeta(c));
    return c.redirect(`/account?done=others_ended&count=${n}`, 303);
  });

  app.post("/account/sessions/:ref/signout", async (c) => {
    const principal = requirePrincipal(c);
    const ref = sessionRef.safeParse(c.req.param("ref"));
    const ended = ref.success &&
      await signOutOwnSession(deps, principal, ref.data, requestMeta(c));
    return c.redirect(
      `/account?done=${ended ? "session_ended" : "session_gone"}`,
      303,
    );
  });

  app.post("/account/recovery-codes", async (c) => {
    const principal = requirePrincipal(c);
    const a = accountMessages.translator(c.get("lang"));
    const parsed = proofForm.safeParse(await c.req.parseBody());
    if (
      !parsed.success ||
      (parsed.data.password === undefined && parsed.data.code === undefined)
    ) {
      return await accountPage(c, {
        codesError: parsed.success
          ? a("account.codes.needProof")
          : a("account.codes.badProof"),
      }, 400);
    }
    const out = await regenerateOwnRecoveryCodes(
      deps,
      principal,
      parsed.data,
      requestMeta(c),
    );
    if (!out.ok) {
      return await accountPage(
        c,
        { codesError: a("account.codes.badProof") },
        400,
      );
    }
    c.header("Cache-Control", "no-store");
    return page(
      c,
      a("account.codes.title"),
      NewRecoveryCodesPage({
        lang: c.get("lang"),
        codes: out.recoveryCodes,
        intro: a("account.codes.done"),
      }),
    );
  });

  // The codes come back from the page that showed them (the server keeps
  // none in plain text); answered as a file, never cached, never logged.
  app.post("/account/recovery-codes.txt", async (c) => {
    const principal = requirePrincipal(c);
    const parsed = downloadForm.safeParse(await c.req.parseBody({ all: true }));
    if (!parsed.success) return c.text("Bad Request", 400);
    const header = accountMessages.t(c.get("lang"), "recovery.file.header", {
      email: principal.email,
    });
    c.header("Cache-Control", "no-store");
    c.header(
      "Content-Disposition",
      'attachment; filename="custodian-recovery-codes.txt"',
    );
    return c.body(
      `${header}\r\n\r\n${parsed.data.code.join("\r\n")}\r\n`,
      200,
      { "Content-Type": "text/plain; charset=utf-8" },
    );
  });

  app.post("/account/authenticator", async (c) => {
    const principal = requirePrincipal(c);
    const a = accountMessages.translator(c.get("lang"));
    const parsed = proofForm.safeParse(await c.req.parseBody());
    const proof = parsed.success ? parsed.data : {};
    const out = await startAuthenticatorReset(
      deps,
      principal,
      proof,
      requestMeta(c),
    );
    if (!out.ok) {
      return await accountPage(c, { mfaError: a("account.mfa.badProof") }, 400);
    }
    return c.redirect("/account/authenticator", 303);
  });

  const newAuthenticatorPage = async (
    c: Context,
    pending: { base32: string; uri: string },
    error?: string,
  ) => {
    c.header("Cache-Control", "no-store");
    return page(
      c,
      accountMessages.t(c.get("lang"), "account.mfa.new.title"),
      NewAuthenticatorPage({
        lang: c.get("lang"),
        secret: pending.base32,
        uri: pending.uri,
        qrSvg: await otpauthQrSvg(pending.uri),
        error,
      }),
      error ? 400 : 200,
    );
  };

  app.get("/account/authenticator", async (c) => {
    const principal = requirePrincipal(c);
    const pending = await pendingAuthenticatorReset(deps, principal);
    if (!pending) return c.redirect("/account?done=mfa_expired", 303);
    return await newAuthenticatorPage(c, pending);
  });

  app.post("/account/authenticator/confirm", async (c) => {
    const principal = requirePrincipal(c);
    const a = accountMessages.translator(c.get("lang"));
    const parsed = codeForm.safeParse(await c.req.parseBody());
    const out = await confirmAuthenticatorReset(
      deps,
      principal,
      parsed.success ? parsed.data.code : null,
      requestMeta(c),
    );
    if (out.kind === "expired") {
      return c.redirect("/account?done=mfa_expired", 303);
    }
    if (out.kind === "bad_code") {
      return await newAuthenticatorPage(
        c,
        out.pending,
        a("account.mfa.new.badCode"),
      );
    }
    c.header("Cache-Control", "no-store");
    return page(
      c,
      a("account.codes.title"),
      NewRecoveryCodesPage({
        lang: c.get("lang"),
        codes: out.recoveryCodes,
        intro: a("account.mfa.done"),
      }),
    );
  });

  app.post("/account/authenticator/cancel", async (c) => {
    await cancelAuthenticatorReset(deps, requirePrincipal(c));
    return c.redirect("/account", 303);
  });

  app.get("/account/password", async (c) => {
    const principal = requirePrincipal(c);
    const local = await hasOwnPassword(db, principal);
    return page(
      c,
      translator(c.get("lang"))("account.password.title"),
      PasswordChangePage({
        lang: c.get("lang"),
        local,
        expired: c.req.query("expired") === "1",
      }),
    );
  });

  app.post("/account/password", async (c) => {
    const principal = requirePrincipal(c);
    const t = translator(c.get("lang"));
    const parsed = form.safeParse(await c.req.parseBody());
    const again = (errors: string[], status = 400) =>
      page(
        c,
        t("account.password.title"),
        PasswordChangePage({
          lang: c.get("lang"),
          local: true,
          expired: false,
          errors,
        }),
        status,
      );
    if (!parsed.success) return again([t("account.password.invalid")]);
    const { current, password, confirm } = parsed.data;
    if (password !== confirm) return again([t("auth.password.mismatch")]);
    const result = await changeOwnPassword(
      deps,
      principal,
      { current, password },
      requestMeta(c),
    );
    if (!result.ok) {
      return again(
        "reason" in result
          ? [t("account.password.wrongCurrent")]
          : result.problems.map((p) =>
            t(`password.problem.${p.code}`, p.params)
          ),
      );
    }
    return page(
      c,
      t("account.password.title"),
      PasswordChangePage({
        lang: c.get("lang"),
        local: true,
        expired: false,
        done: true,
      }),
    );
  });
  return app;
}
