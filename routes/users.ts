// The Users page and the periodic access review (Data Policy §5: access by
// job role, isolation by store, periodic review; §7: leavers lose access at
// once). Every state-changing POST is a two-step: without confirm=yes it
// runs the change as a dry run and shows exactly what will happen; only the
// confirmed POST commits. Forms work without JS; HTMX only swaps the table.
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { plainText } from "../lib/validation.ts";
import type { Config } from "../lib/config.ts";
import type { Database } from "../db/client.ts";
import {
  AccessReviewError,
  completeReview,
  decideItem,
  listCompletedReviews,
  listReviewLines,
  reviewStatus,
  startReview,
} from "../lib/security/access_review.ts";
import {
  roleByName,
  type RoleName,
  ROLES,
} from "../lib/security/permissions.ts";
import type { StaffPrincipal } from "../lib/security/principal.ts";
import {
  assignableRoles,
  type ChangeOptions,
  changeRole,
  disableUser,
  enableUser,
  getUser,
  grantStore,
  inviteUser,
  listGrantableStores,
  listUsers,
  revokeStore,
  signOutUser,
  unlockSignIn,
  USER_SORTS,
  USER_STATUSES,
  UserAdminError,
  type UserRow,
} from "../lib/security/users.ts";
import { ConfirmPage, RefusedPage } from "../views/users/components.tsx";
import type { UserRowView, UsersQuery } from "../views/users/components.tsx";
import { UsersTable } from "../views/users/components.tsx";
import {
  hasMessage,
  t,
  type UsersMessageKey,
} from "../views/users/messages.ts";
import {
  InvitePage,
  SetupLinkPage,
  UserDetailPage,
  UsersPage,
} from "../views/users/pages.tsx";
import { issueSetupToken } from "../lib/security/staff.ts";
import { signInLockState } from "../lib/security/lockout.ts";
import { AccessReviewPage } from "../views/users/review.tsx";
import { roleName } from "../views/words.ts";
import { configuredProviders } from "./auth.ts";
import { clientIp, readerZone, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";

export interface UsersDeps {
  db: Database;
  kv: Deno.Kv;
  config: Config;
  /** The clock (tests move it); defaults to the system clock. */
  clock?: () => Date;
}

const ROLE_NAMES = ROLES.map((r) => r.name) as [string, ...string[]];
const blankToUndefined = (v: unknown) => v === "" ? undefined : v;

const listQuery = z.object({
  sort: z.enum(USER_SORTS).default("email"),
  dir: z.enum(["asc", "desc"]).default("asc"),
  role: z.preprocess(blankToUndefined, z.enum(ROLE_NAMES).optional()),
  status: z.preprocess(blankToUndefined, z.enum(USER_STATUSES).optional()),
  q: z.preprocess(
    blankToUndefined,
    plainText().trim().max(100).optional(),
  ),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});

const confirmField = { confirm: z.string().max(8).optional() };
const toList = (v: unknown) =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

const inviteForm = z.object({
  displayName: plainText().trim().min(1).max(120),
  email: z.string().trim().max(254).pipe(z.email()),
  role: z.enum(ROLE_NAMES),
  storeIds: z.preprocess(toList, z.array(z.guid()).max(200)),
  kind: z.enum(["sso", "local"]).default("sso"),
  ...confirmField,
});
const roleForm = z.object({ role: z.enum(ROLE_NAMES), ...confirmField });
const storeForm = z.object({ storeId: z.guid(), ...confirmField });
const plainForm = z.object({ ...confirmField });
const decisionForm = z.object({
  decision: z.enum(["confirm", "revoke"]),
  ...confirmField,
});
const userId = z.guid();
const itemId = z.string().regex(/^[1-9]\d{0,14}$/).transform(Number);

const DONE = [
  "invite",
  "role",
  "grant",
  "revoke",
  "disable",
  "enable",
  "signout",
  "unlock",
  "start",
  "decide",
  "complete",
] as const;
const doneQuery = z.enum(DONE).optional().catch(undefined);

/** The users and access review routes. */
export function usersRoutes(deps: UsersDeps): Hono {
  const { db, kv, config } = deps;
  const clock = deps.clock ?? (() => new Date());
  const interval = config.ACCESS_REVIEW_INTERVAL_DAYS;
  // Invitations to single sign-on need a provider to sign in with.
  const ssoProviders = configuredProviders(config);
  const app = new Hono();

  const meta = (c: Context, dryRun: boolean): ChangeOptions => ({
    ip: clientIp(c),
    userAgent: c.req.header("user-agent") ?? null,
    requestId: c.get("requestId"),
    now: clock(),
    dryRun,
  });
  const notice = (c: Context) => {
    const done = doneQuery.parse(c.req.query("done"));
    return done ? t(c.get("lang"), `done.${done}` as UsersMessageKey) : null;
  };
  const refused = (c: Context, err: unknown, backHref: string) => {
    const { status, message } = describeRefusal(c, err);
    return page(
      c,
      t(c.get("lang"), "error.title"),
      RefusedPage({ lang: c.get("lang"), message, backHref }),
      status,
    );
  };
  const badForm = (c: Context, error: z.ZodError, backHref: string) =>
    refused(c, invalidFields(c, error), backHref);

  /**
   * The two steps of every change: unconfirmed, a dry run feeds the
   * confirmation page (or the refusal); confirmed, the change commits.
   */
  const twoStep = async <R>(
    c: Context,
    confirmed: boolean,
    step: {
      back: string;
      fields: [string, string][];
      run: (opts: ChangeOptions) => Promise<R>;
      question: (r: R) => string;
      notes?: (r: R) => string[];
      danger?: boolean;
      done: (r: R) => string;
    },
  ) => {
    let result: R;
    try {
      result = await step.run(meta(c, !confirmed));
    } catch (err) {
      return refused(c, err, step.back);
    }
    if (confirmed) return c.redirect(step.done(result), 303);
    return page(
      c,
      t(c.get("lang"), "confirm.title"),
      ConfirmPage({
        lang: c.get("lang"),
        question: step.question(result),
        notes: step.notes?.(result),
        action: c.req.path,
        fields: step.fields,
        cancelHref: step.back,
        danger: step.danger,
      }),
    );
  };

  // ── Users ────────────────────────────────────────────────────────────────

  app.get("/users", async (c) => {
    const lang = c.get("lang");
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) return badForm(c, parsed.error, "/users");
    const q = parsed.data;
    const actor = requirePrincipal(c);
    const list = await listUsers(db, actor, {
      ...q,
      role: q.role as RoleName | undefined,
    });
    const query: UsersQuery = { ...q, page: list.page };
    const table = {
      lang,
      zone: readerZone(c),
      rows: list.rows.map(rowView),
      total: list.total,
      page: list.page,
      pages: list.pages,
      query,
      filtered: Boolean(q.role || q.status || q.q),
      selfId: actor.userId,
    };
    c.header("Vary", "HX-Request, HX-Target");
    if (
      c.req.header("hx-request") === "true" &&
      c.req.header("hx-target") === "users-table" &&
      !c.req.header("hx-history-restore-request")
    ) {
      return c.html(UsersTable(table));
    }
    return page(
      c,
      t(lang, "users.title"),
      UsersPage({ ...table, roles: [...ROLE_NAMES], notice: notice(c) }),
    );
  });

  app.get("/users/invite", async (c) => {
    const actor = requirePrincipal(c);
    return page(
      c,
      t(c.get("lang"), "invite.title"),
      InvitePage({
        lang: c.get("lang"),
        roles: assignableRoles(actor),
        stores: await listGrantableStores(db, actor),
        canCreateLocal: actor.role === "owner",
        ssoProviders,
      }),
    );
  });

  app.post("/users/invite", async (c) => {
    const lang = c.get("lang");
    const actor = requirePrincipal(c);
    const body = await c.req.parseBody({ all: true });
    const parsed = inviteForm.safeParse(body);
    const formAgain = async (status: number, error: string) =>
      page(
        c,
        t(lang, "invite.title"),
        InvitePage({
          lang,
          roles: assignableRoles(actor),
          stores: await listGrantableStores(db, actor),
          canCreateLocal: actor.role === "owner",
          ssoProviders,
          values: {
            displayName: typeof body.displayName === "string"
              ? body.displayName
              : "",
            email: typeof body.email === "string" ? body.email : "",
            role: typeof body.role === "string" ? body.role : undefined,
            kind: typeof body.kind === "string" ? body.kind : undefined,
            storeIds: toList(body.storeIds).filter((v): v is string =>
              typeof v === "string"
            ),
          },
          error,
        }),
        status,
      );
    if (!parsed.success) {
      return await formAgain(400, invalidFields(c, parsed.error).message);
    }
    const v = parsed.data;
    const confirmed = v.confirm === "yes";
    if (v.kind === "sso" && ssoProviders.length === 0) {
      // Nobody could sign in with the invitation: say so, change nothing.
      return await formAgain(
        409,
        t(
          lang,
          actor.role === "owner" ? "error.no_sso.owner" : "error.no_sso",
        ),
      );
    }
    let result: Awaited<ReturnType<typeof inviteUser>>;
    try {
      result = await inviteUser(db, actor, {
        email: v.email,
        displayName: v.displayName,
        role: v.role,
        storeIds: v.storeIds,
        kind: v.kind,
        allowedDomains: config.ALLOWED_EMAIL_DOMAINS,
      }, meta(c, !confirmed));
    } catch (err) {
      const { status, message } = describeRefusal(c, err);
      return await formAgain(status, message);
    }
    if (confirmed && v.kind === "local") {
      // The setup link is a credential: shown once, stored only hashed.
      const token = await issueSetupToken(kv, result.user.id);
      c.header("Cache-Control", "no-store");
      return page(
        c,
        t(lang, "setup.title"),
        SetupLinkPage({
          lang,
          name: result.user.displayName,
          userId: result.user.id,
          link: `${config.publicUrl}/auth/setup/${token}`,
        }),
      );
    }
    if (confirmed) {
      return c.redirect(`/users/${result.user.id}?done=invite`, 303);
    }
    const stores = result.stores.map((s) => s.name).join(", ");
    return page(
      c,
      t(lang, "confirm.title"),
      ConfirmPage({
        lang,
        question: t(
          lang,
          v.kind === "local" ? "confirm.invite.local" : "confirm.invite",
          {
            name: result.user.displayName,
            email: result.user.email,
            role: roleName(lang, result.user.role),
            providers: ssoProviders.map((p) => p.label).join(", "),
          },
        ),
        notes: stores ? [t(lang, "confirm.invite.stores", { stores })] : [],
        action: "/users/invite",
        fields: [
          ["displayName", v.displayName],
          ["email", v.email],
          ["role", v.role],
          ["kind", v.kind],
          ...v.storeIds.map((id): [string, string] => ["storeIds", id]),
        ],
        cancelHref: "/users",
      }),
    );
  });

  app.get("/users/:id", async (c) => {
    const actor = requirePrincipal(c);
    const id = userId.safeParse(c.req.param("id"));
    const found = id.success ? await getUser(db, actor, id.data) : null;
    if (!found) throw new HTTPException(404);
    const lock = found.user.kind === "local"
      ? await signInLockState(kv, found.user.email, clock().getTime())
      : null;
    return page(
      c,
      found.user.displayName,
      UserDetailPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        user: { ...rowView(found.user), disabledAt: found.user.disabledAt },
        roles: assignableRoles(actor),
        grantable: found.grantable,
        isSelf: found.user.id === actor.userId,
        notice: notice(c),
        signInLock: lock && (lock.accountUntil !== null || lock.addresses > 0)
          ? {
            until: lock.accountUntil === null
              ? null
              : new Date(lock.accountUntil),
            addresses: lock.addresses,
            canUnlock: actor.role === "owner",
          }
          : null,
      }),
    );
  });

  /** Registers one POST /users/:id/<verb> with its form and its change. */
  const userChange = <S extends z.ZodType<{ confirm?: string }>, R>(
    verb: string,
    schema: S,
    step: (
      actor: StaffPrincipal,
      id: string,
      form: z.infer<S>,
      lang: Parameters<typeof t>[0],
    ) => {
      fields: [string, string][];
      run: (opts: ChangeOptions) => Promise<R>;
      question: (r: R) => string;
      danger?: boolean;
      done: string;
    },
  ) => {
    app.post(`/users/:id/${verb}`, async (c) => {
      const id = userId.safeParse(c.req.param("id"));
      if (!id.success) throw new HTTPException(404);
      const back = `/users/${id.data}`;
      const parsed = schema.safeParse(await c.req.parseBody());
      if (!parsed.success) return badForm(c, parsed.error, back);
      const s = step(requirePrincipal(c), id.data, parsed.data, c.get("lang"));
      return await twoStep(c, parsed.data.confirm === "yes", {
        ...s,
        back,
        done: () => `${back}?done=${s.done}`,
      });
    });
  };

  userChange("role", roleForm, (actor, id, form, lang) => ({
    fields: [["role", form.role]],
    run: (o) => changeRole(db, actor, id, form.role, o),
    question: (r) =>
      t(lang, "confirm.role", {
        name: r.user.displayName,
        from: roleName(lang, r.from),
        to: roleName(lang, r.to),
      }),
    done: "role",
  }));
  userChange("grant", storeForm, (actor, id, form, lang) => ({
    fields: [["storeId", form.storeId]],
    run: (o) => grantStore(db, actor, id, form.storeId, o),
    question: (r) =>
      t(lang, "confirm.grant", {
        name: r.user.displayName,
        store: r.store.name,
      }),
    done: "grant",
  }));
  userChange("revoke", storeForm, (actor, id, form, lang) => ({
    fields: [["storeId", form.storeId]],
    run: (o) => revokeStore(db, actor, id, form.storeId, o),
    question: (r) =>
      t(lang, "confirm.revoke", {
        name: r.user.displayName,
        store: r.store.name,
      }),
    danger: true,
    done: "revoke",
  }));
  userChange("disable", plainForm, (actor, id, _form, lang) => ({
    fields: [],
    run: (o) => disableUser(db, kv, actor, id, o),
    question: (r) => t(lang, "confirm.disable", { name: r.user.displayName }),
    danger: true,
    done: "disable",
  }));
  userChange("enable", plainForm, (actor, id, _form, lang) => ({
    fields: [],
    run: (o) => enableUser(db, actor, id, o),
    question: (r) =>
      t(lang, "confirm.enable", {
        name: r.user.displayName,
        role: roleName(lang, r.user.role),
      }),
    done: "enable",
  }));
  userChange("signout", plainForm, (actor, id, _form, lang) => ({
    fields: [],
    run: (o) => signOutUser(db, kv, actor, id, o),
    question: (r) => t(lang, "confirm.signout", { name: r.user.displayName }),
    danger: true,
    done: "signout",
  }));

  userChange("unlock", plainForm, (actor, id, _form, lang) => ({
    fields: [],
    run: (o) => unlockSignIn(db, kv, actor, id, o),
    question: (r) => t(lang, "confirm.unlock", { name: r.user.displayName }),
    done: "unlock",
  }));

  // ── Access review ────────────────────────────────────────────────────────

  app.get("/access-review", async (c) => {
    const actor = requirePrincipal(c);
    const status = await reviewStatus(db, actor, clock(), interval);
    const lines = status.openReview
      ? await listReviewLines(db, actor, status.openReview.id)
      : [];
    return page(
      c,
      t(c.get("lang"), "review.title"),
      AccessReviewPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        intervalDays: interval,
        lastCompletedAt: status.lastCompletedAt,
        dueAt: status.dueAt,
        due: status.due,
        open: status.openReview,
        lines,
        history: await listCompletedReviews(db, actor),
        notice: notice(c),
      }),
    );
  });

  app.post("/access-review/start", async (c) => {
    const parsed = plainForm.safeParse(await c.req.parseBody());
    if (!parsed.success) return badForm(c, parsed.error, "/access-review");
    const lang = c.get("lang");
    const actor = requirePrincipal(c);
    return await twoStep(c, parsed.data.confirm === "yes", {
      back: "/access-review",
      fields: [],
      run: (o) => startReview(db, actor, o.now ?? clock(), interval, o),
      question: (r) =>
        t(lang, "confirm.review.start", { lines: r.lines, flagged: r.flagged }),
      done: () => "/access-review?done=start",
    });
  });

  app.post("/access-review/items/:itemId", async (c) => {
    const id = itemId.safeParse(c.req.param("itemId"));
    if (!id.success) throw new HTTPException(404);
    const parsed = decisionForm.safeParse(await c.req.parseBody());
    if (!parsed.success) return badForm(c, parsed.error, "/access-review");
    const lang = c.get("lang");
    const actor = requirePrincipal(c);
    const { decision } = parsed.data;
    return await twoStep(c, parsed.data.confirm === "yes", {
      back: "/access-review",
      fields: [["decision", decision]],
      run: (o) => decideItem(db, kv, actor, id.data, decision, o),
      question: ({ line }) => {
        const name = line.displayName;
        const store = line.storeName ?? "";
        if (decision === "revoke") {
          return line.storeId
            ? t(lang, "confirm.revoke", { name, store })
            : t(lang, "confirm.disable", { name });
        }
        return line.storeId
          ? t(lang, "confirm.review.confirmGrant", { name, store })
          : t(lang, "confirm.review.confirmRole", {
            name,
            role: roleName(lang, line.role),
          });
      },
      danger: decision === "revoke",
      done: () => "/access-review?done=decide",
    });
  });

  app.post("/access-review/complete", async (c) => {
    const parsed = plainForm.safeParse(await c.req.parseBody());
    if (!parsed.success) return badForm(c, parsed.error, "/access-review");
    const lang = c.get("lang");
    const actor = requirePrincipal(c);
    return await twoStep(c, parsed.data.confirm === "yes", {
      back: "/access-review",
      fields: [],
      run: (o) => completeReview(db, actor, o),
      question: (r) =>
        t(lang, "confirm.review.complete", {
          confirmed: r.confirmed,
          revoked: r.revoked,
        }),
      done: () => "/access-review?done=complete",
    });
  });

  return app;
}

/** A user as the views show them: plain data plus whether grants matter. */
function rowView(u: UserRow): UserRowView {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    status: u.status,
    kind: u.kind,
    lastSignInAt: u.lastSignInAt,
    lastSeenAt: u.lastSeenAt,
    createdAt: u.createdAt,
    allStores: roleByName(u.role)?.allStores ?? false,
    grants: u.grants,
  };
}

const STATUS_OF: Record<string, number> = {
  local_owner_only: 403,
  owner_only: 403,
  not_found: 404,
  forbidden: 403,
  role_not_assignable: 403,
  owner_protected: 403,
  self: 403,
  last_owner: 409,
  duplicate: 409,
  same_role: 409,
  grant_exists: 409,
  already_disabled: 409,
  not_disabled: 409,
  already_open: 409,
  no_open_review: 409,
  already_decided: 409,
  undecided_lines: 409,
};

/** The status and translated message for a refused change. */
function describeRefusal(
  c: Context,
  err: unknown,
): { status: number; message: string } {
  const lang = c.get("lang");
  if (err instanceof InvalidForm) return { status: 400, message: err.message };
  if (err instanceof UserAdminError || err instanceof AccessReviewError) {
    const key = err instanceof AccessReviewError && err.code === "not_found"
      ? "error.line_not_found"
      : err.code === "invalid_input" && "fields" in err.params
      ? "error.invalid_fields"
      : `error.${err.code}`;
    // Every code has its message (tests/views/i18n_test.ts).
    const message = t(lang, hasMessage(key) ? key : "error.title", err.params);
    return { status: STATUS_OF[err.code] ?? 400, message };
  }
  throw err;
}

class InvalidForm extends Error {}

function invalidFields(c: Context, error: z.ZodError): InvalidForm {
  const fields = [
    ...new Set(error.issues.map((i) => String(i.path[0] ?? "form"))),
  ];
  return new InvalidForm(
    t(c.get("lang"), "error.invalid_fields", { fields: fields.join(", ") }),
  );
}
