// /requests: staff handling of data requests (issue #17; requests.manage).
// The list (filters, sort and page in the URL), the request page, every
// step's form, and the e-mail outbox. Handlers validate, call
// lib/requests/, and render; a refused step re-renders the page with its
// error (400 for a form's fields, 409 for the wrong state).
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Database } from "../db/client.ts";
import { ANSWER_TEMPLATES } from "../lib/mail/answers.ts";
import { listOutbox } from "../lib/mail/outbox.ts";
import type { Enqueue } from "../lib/queue.ts";
import {
  answerRequest,
  approveRequest,
  confirmScope,
  denyRequest,
  executeRequest,
  extendRequest,
  HandlingError,
  holdRequest,
  recordMatch,
  requestScreen,
} from "../lib/requests/handling.ts";
import {
  listRequests,
  REQUEST_PAGE_SIZES,
  REQUEST_SORTS,
  requestQuerySchema,
} from "../lib/requests/list.ts";
import {
  CLOSED_STATES,
  DENIAL_CODES,
  NEEDS_APPROVAL,
  REQUEST_STATES,
  REQUEST_TYPES,
} from "../lib/requests/model.ts";
import { recordAudit } from "../lib/security/audit.ts";
import type { Vault } from "../lib/security/vault.ts";
import { requestsCatalogue } from "../views/requests/messages.ts";
import {
  OutboxPage,
  RequestPage,
  RequestsListPage,
} from "../views/requests/staff.tsx";
import { readerZone, requestMeta, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface RequestsDeps {
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  enqueue: Enqueue;
  config: { publicUrl: string; SMTP_URL?: string };
}

/** `/requests…`: the staff screens of data requests. */
export function requestsRoutes(deps: RequestsDeps): Hono {
  const app = new Hono();
  const handling = {
    db: deps.db,
    kv: deps.kv,
    vault: deps.vault,
    enqueue: deps.enqueue,
    publicUrl: deps.config.publicUrl,
  };

  app.get("/requests", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const parsed = requestQuerySchema.safeParse(c.req.query());
    const q = parsed.success ? parsed.data : requestQuerySchema.parse({});
    const { rows, next } = await listRequests(deps.db, principal, q);
    const params = (extra: Record<string, string>) => {
      const u = new URLSearchParams();
      if (q.state !== "open") u.set("state", q.state);
      if (q.type) u.set("type", q.type);
      if (q.q) u.set("q", q.q);
      if (q.sort !== "due") u.set("sort", q.sort);
      if (q.dir !== "asc") u.set("dir", q.dir);
      if (q.size !== 50) u.set("size", String(q.size));
      for (const [k, v] of Object.entries(extra)) u.set(k, v);
      return u.toString();
    };
    return page(
      c,
      requestsCatalogue.t(lang, "list.title"),
      RequestsListPage({
        lang,
        zone: readerZone(c),
        filter: {
          state: q.state,
          type: q.type,
          q: q.q,
          sort: q.sort,
          dir: q.dir,
          size: q.size,
        },
        states: REQUEST_STATES,
        types: REQUEST_TYPES,
        sorts: REQUEST_SORTS,
        sizes: REQUEST_PAGE_SIZES,
        rows,
        nextQuery: next ? params({ after: next }) : null,
        firstQuery: q.after ? params({}) : null,
        filtered: q.state !== "open" || q.type !== "" || q.q !== "",
        badFilter: !parsed.success,
      }),
      parsed.success ? 200 : 400,
    );
  });

  app.get("/requests/outbox", async (c) => {
    const principal = requirePrincipal(c);
    const messages = await listOutbox(deps.db, principal, { limit: 200 });
    await recordAudit(deps.db, principal, {
      actorType: "staff",
      actorId: principal.userId,
      action: "requests.outbox.view",
      outcome: "success",
      ...requestMeta(c),
      details: { messages: messages.length },
    });
    return page(
      c,
      requestsCatalogue.t(c.get("lang"), "outbox.title"),
      OutboxPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        smtp: Boolean(deps.config.SMTP_URL),
        messages,
      }),
    );
  });

  const idOf = (c: Context) => {
    const id = (c.req.param("id") ?? "").toLowerCase();
    if (!UUID.test(id)) throw new HTTPException(404);
    return id;
  };

  const show = async (
    c: Context,
    id: string,
    error?: { code: string; form?: string; fields?: Record<string, string> },
    status = 200,
  ) => {
    const principal = requirePrincipal(c);
    const screen = await requestScreen(deps, principal, id, requestMeta(c));
    if (!screen) throw new HTTPException(404);
    const mail = await listOutbox(deps.db, principal, { requestId: id });
    const r = screen.request;
    return page(
      c,
      requestsCatalogue.t(c.get("lang"), "page.title", { ref: r.publicId }),
      RequestPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        request: r,
        events: screen.events,
        approvals: screen.approvals,
        suggestions: screen.suggestions,
        duplicates: screen.duplicates,
        mail,
        closed: CLOSED_STATES.includes(r.state),
        needsApproval: NEEDS_APPROVAL.includes(r.type),
        denialCodes: DENIAL_CODES,
        answerTemplates: ANSWER_TEMPLATES,
        error,
      }),
      status,
    );
  };

  app.get("/requests/:id", (c) => show(c, idOf(c)));

  /** One step's POST: run it, then back to the page (or the page with its error). */
  const stepRoute = (
    name: string,
    run: (
      c: Context,
      id: string,
      body: Record<string, unknown>,
    ) => Promise<unknown>,
  ) =>
    app.post(`/requests/:id/${name}`, async (c) => {
      const id = idOf(c);
      const body = await c.req.parseBody();
      try {
        await run(c, id, body);
      } catch (err) {
        if (!(err instanceof HandlingError)) throw err;
        if (err.code === "not_found") throw new HTTPException(404);
        return await show(
          c,
          id,
          { code: err.code, form: name, fields: err.fields },
          err.code === "input" ? 400 : 409,
        );
      }
      return c.redirect(`/requests/${id}`, 303);
    });

  const who = (c: Context) => requirePrincipal(c);
  stepRoute(
    "match",
    (c, id, body) => recordMatch(handling, who(c), id, body, requestMeta(c)),
  );
  stepRoute(
    "scope",
    (c, id) => confirmScope(handling, who(c), id, requestMeta(c)),
  );
  stepRoute(
    "approve",
    (c, id) => approveRequest(handling, who(c), id, requestMeta(c)),
  );
  stepRoute("execute", (c, id, body) => {
    if (body.confirm !== "yes") {
      throw new HandlingError("input", { confirm: "required" });
    }
    return executeRequest(handling, who(c), id, requestMeta(c));
  });
  stepRoute(
    "deny",
    (c, id, body) => denyRequest(handling, who(c), id, body, requestMeta(c)),
  );
  stepRoute(
    "extend",
    (c, id, body) => extendRequest(handling, who(c), id, body, requestMeta(c)),
  );
  stepRoute(
    "hold",
    (c, id, body) =>
      holdRequest(handling, who(c), id, body, true, requestMeta(c)),
  );
  stepRoute(
    "resume",
    (c, id, body) =>
      holdRequest(handling, who(c), id, body, false, requestMeta(c)),
  );
  stepRoute(
    "answer",
    (c, id, body) => answerRequest(handling, who(c), id, body, requestMeta(c)),
  );

  return app;
}
