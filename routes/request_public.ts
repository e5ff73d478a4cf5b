// The public face of data requests (issue #17, Data Policy §13): /request
// and its neutral "thank you", the verification link, and the requester's
// status page (and its JSON). No sign-in; no personal data in any URL (the
// form posts, then redirects to a page that names nothing); the honeypot
// and the per-address and per-e-mail limits stop abuse; the answer is the
// same whether or not anything we hold matches.
import { Hono } from "hono";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Database } from "../db/client.ts";
import { submitRequest } from "../lib/requests/intake.ts";
import type { IntakeLimits } from "../lib/requests/limits.ts";
import {
  parseIntake,
  RELATIONSHIPS,
  REQUEST_MARKETPLACES as MARKETPLACES,
  REQUEST_TYPES,
  SCOPE_CATEGORIES,
} from "../lib/requests/model.ts";
import {
  drpStatus,
  readStatus,
  verifyIdentity,
  withdrawRequest,
} from "../lib/requests/requester.ts";
import { TOKEN_SHAPE } from "../lib/requests/tokens.ts";
import type { Vault } from "../lib/security/vault.ts";
import { isCalendarDate } from "../lib/validation.ts";
import { requestsCatalogue } from "../views/requests/messages.ts";
import {
  Notice,
  RequestForm,
  StatusPage,
  VerifiedPage,
  VerifyPage,
} from "../views/requests/public.tsx";
import { readerZone, requestMeta } from "./context.ts";
import { page } from "./page.ts";

/** A form is small: a larger body is refused before it is read. */
const FORM_LIMIT_BYTES = 32 * 1024;
/** The shape of a status link's token: a compact JWS, three base64url parts. */
const STATUS_TOKEN = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export interface RequestPublicDeps {
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  config: { publicUrl: string };
  /** Tests narrow or widen the intake limits. */
  intakeLimits?: IntakeLimits;
}

/** `/request…`: intake, verification and the requester's status. */
export function requestPublicRoutes(deps: RequestPublicDeps): Hono {
  const app = new Hono();
  const requester = {
    db: deps.db,
    vault: deps.vault,
    publicUrl: deps.config.publicUrl,
  };

  const form = (
    c: Context,
    values: Record<string, string | string[]>,
    errors: Record<string, string>,
    status: number,
  ) => {
    const lang = c.get("lang");
    return page(
      c,
      requestsCatalogue.t(lang, "form.title"),
      RequestForm({
        lang,
        form: { values, errors },
        types: REQUEST_TYPES,
        relationships: RELATIONSHIPS,
        categories: SCOPE_CATEGORIES,
        marketplaces: MARKETPLACES,
      }),
      status,
    );
  };

  app.get("/request", (c) => form(c, {}, {}, 200));

  app.post(
    "/request",
    bodyLimit({
      maxSize: FORM_LIMIT_BYTES,
      onError: () => {
        throw new HTTPException(413, { message: "Payload Too Large" });
      },
    }),
    async (c) => {
      const body = await c.req.parseBody({ all: true });
      // A person never fills the honeypot: answer as if all went well and
      // keep nothing.
      const trap = body.website;
      if (typeof trap !== "string" || trap !== "") {
        return c.redirect("/request/thanks", 303);
      }
      const parsed = parseIntake(body);
      if (!parsed.ok) {
        const values: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(body)) {
          // A date input holds a real date or nothing (the error says why).
          if ((k === "from" || k === "to") && typeof v === "string") {
            values[k] = isCalendarDate(v) ? v : "";
          } else if (typeof v === "string") values[k] = v.slice(0, 5000);
          else if (Array.isArray(v)) {
            values[k] = v.filter((x): x is string => typeof x === "string");
          }
        }
        return form(c, values, parsed.errors, 400);
      }
      const outcome = await submitRequest(
        {
          db: deps.db,
          kv: deps.kv,
          publicUrl: deps.config.publicUrl,
          limits: deps.intakeLimits,
        },
        parsed.value,
        c.get("lang"),
        requestMeta(c),
      );
      if (outcome.outcome === "limited") {
        const minutes = Math.max(1, Math.ceil(outcome.retryAfterMs / 60_000));
        c.header("Retry-After", String(Math.ceil(outcome.retryAfterMs / 1000)));
        return page(
          c,
          requestsCatalogue.t(c.get("lang"), "limited.title"),
          Notice({
            lang: c.get("lang"),
            title: "limited.title",
            body: "limited.body",
            minutes,
          }),
          429,
        );
      }
      return c.redirect("/request/thanks", 303);
    },
  );

  app.get("/request/thanks", (c) =>
    page(
      c,
      requestsCatalogue.t(c.get("lang"), "thanks.title"),
      Notice({
        lang: c.get("lang"),
        title: "thanks.title",
        body: "thanks.body",
      }),
    ));

  const invalid = (c: Context, status: number) =>
    page(
      c,
      requestsCatalogue.t(c.get("lang"), "invalid.title"),
      Notice({
        lang: c.get("lang"),
        title: "invalid.title",
        body: "invalid.body",
      }),
      status,
    );

  // The link only shows a button: a mail scanner that fetches it spends
  // nothing. The token is checked when the button posts.
  app.get("/request/verify/:token", (c) => {
    const token = c.req.param("token");
    if (!TOKEN_SHAPE.test(token)) return invalid(c, 404);
    c.header("Referrer-Policy", "no-referrer");
    return page(
      c,
      requestsCatalogue.t(c.get("lang"), "verify.title"),
      VerifyPage({ lang: c.get("lang"), token }),
    );
  });

  app.post("/request/verify/:token", async (c) => {
    const out = await verifyIdentity(
      requester,
      c.req.param("token"),
      requestMeta(c),
    );
    if (out.outcome === "invalid") return invalid(c, 410);
    c.header("Referrer-Policy", "no-referrer");
    return page(
      c,
      requestsCatalogue.t(c.get("lang"), "verified.title"),
      VerifiedPage({
        lang: c.get("lang"),
        statusPath: `/request/status/${out.statusToken}`,
      }),
    );
  });

  app.get("/request/status/:token", async (c) => {
    const token = c.req.param("token");
    const status = await readStatus(requester, token, requestMeta(c), "page");
    if (!status) return invalid(c, 404);
    c.header("Referrer-Policy", "no-referrer");
    const r = status.request;
    return page(
      c,
      requestsCatalogue.t(c.get("lang"), "status.title", { ref: r.publicId }),
      StatusPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        token,
        status: {
          publicId: r.publicId,
          state: r.state,
          receivedAt: r.receivedAt,
          dueAt: r.dueAt,
          closedAt: r.closedAt,
          messages: status.messages,
          answer: r.answer,
          denialCode: r.denialCode,
          denialExplanation: r.denialExplanation,
          completion: r.completion?.done ?? null,
          canWithdraw: status.canWithdraw,
        },
      }),
    );
  });

  app.get("/request/status/:token/json", async (c) => {
    const status = await readStatus(
      requester,
      c.req.param("token"),
      requestMeta(c),
      "json",
    );
    if (!status) return c.json({ error: "not_found" }, 404);
    return c.json(drpStatus(status));
  });

  app.post("/request/status/:token/withdraw", async (c) => {
    const token = c.req.param("token");
    // Only a compact JWS goes back into the redirect's Location header.
    if (!STATUS_TOKEN.test(token)) return invalid(c, 404);
    const body = await c.req.parseBody();
    if (body.confirm !== "yes") {
      return c.redirect(`/request/status/${token}`, 303);
    }
    const ok = await withdrawRequest(requester, token, requestMeta(c));
    if (!ok) return invalid(c, 409);
    return c.redirect(`/request/status/${token}`, 303);
  });

  return app;
}
