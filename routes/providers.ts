// Data Policy §11 (issue #18): the service-provider register. Reading needs
// audit.read; adding, editing and retiring need providers.manage (the route
// table says so; lib/providers/register.ts and the database check again).
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import {
  activeProviderReviews,
  addProvider,
  editProvider,
  getProvider,
  listProviders,
  PROVIDER_PAGE_SIZES,
  type ProviderInput,
  ProviderInputError,
  providerQuerySchema,
  retireProvider,
} from "../lib/providers/register.ts";
import { providerReviewStatus } from "../lib/providers/review.ts";
import {
  DATA_CATEGORIES,
  SAFEGUARDS,
  SERVICES,
} from "../lib/providers/vocabulary.ts";
import { ProvidersPage } from "../views/providers/list.tsx";
import {
  ProviderForm,
  type ProviderFormValues,
  RetireProviderPage,
} from "../views/providers/form.tsx";
import { providersCatalogue } from "../views/providers/messages.ts";
import { readerZone, requestMeta, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";
import { formatDayInZone } from "../views/format.ts";

export interface ProvidersDeps {
  db: Database;
}

const providerId = z.uuid();

/** The form's fields from a parsed body (check boxes as lists). */
function formInput(body: Record<string, unknown>): ProviderInput {
  const one = (k: string) => {
    const v = body[k];
    return typeof v === "string" ? v : "";
  };
  const many = (k: string) => {
    const v = body[k];
    const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
    return list.filter((x): x is string => typeof x === "string").slice(0, 50);
  };
  return {
    name: one("name"),
    service: one("service"),
    purpose: one("purpose"),
    dataCategories: many("dataCategories"),
    region: one("region"),
    safeguards: many("safeguards"),
    hasAgreement: one("hasAgreement"),
    agreementSignedOn: one("agreementSignedOn"),
    reviewDueOn: one("reviewDueOn"),
  };
}

const EMPTY: ProviderFormValues = {
  name: "",
  service: "hosting",
  purpose: "",
  dataCategories: [],
  region: "",
  safeguards: ["encrypted_transmission"],
  hasAgreement: "yes",
  agreementSignedOn: "",
  reviewDueOn: "",
};

export function providersRoutes(deps: ProvidersDeps): Hono {
  const { db } = deps;
  const app = new Hono();
  const t = (c: Context) => providersCatalogue.translator(c.get("lang"));

  const idOf = (c: Context): string => {
    const id = providerId.safeParse(c.req.param("providerId"));
    if (!id.success) throw new HTTPException(404);
    return id.data.toLowerCase();
  };

  app.get("/providers", async (c) => {
    const principal = requirePrincipal(c);
    const raw = c.req.query();
    const parsed = providerQuerySchema.safeParse(raw);
    const query = parsed.success ? parsed.data : providerQuerySchema.parse({});
    const today = formatDayInZone(new Date(), readerZone(c));
    const [list, reviews] = await Promise.all([
      listProviders(db, principal, query),
      activeProviderReviews(db, principal),
    ]);
    const filters = new URLSearchParams();
    if (query.status !== "active") filters.set("status", query.status);
    if (query.sort !== "name") filters.set("sort", query.sort);
    if (query.dir !== "asc") filters.set("dir", query.dir);
    if (query.size !== 25) filters.set("size", String(query.size));
    const filterQuery = filters.toString();
    const next = list.next
      ? new URLSearchParams([...filters, ["after", list.next]]).toString()
      : null;
    return page(
      c,
      t(c)("providers.title"),
      ProvidersPage({
        lang: c.get("lang"),
        filter: query,
        sizes: PROVIDER_PAGE_SIZES,
        rows: list.rows.map((r) => ({
          ...r,
          review: providerReviewStatus(r, today),
        })),
        nextQuery: next,
        firstQuery: list.continued ? filterQuery : null,
        filtered: filterQuery !== "",
        badFilter: !parsed.success,
        canManage: principal.permissions.has("providers.manage"),
        overdue: reviews.filter((r) =>
          providerReviewStatus(r, today).state === "overdue"
        ).length,
        saved: c.req.query("saved") === "1",
      }),
      parsed.success ? 200 : 400,
    );
  });

  const form = (
    c: Context,
    editing: { id: string; name: string } | null,
    values: ProviderFormValues,
    problems?: ProviderInputError["problems"],
  ) =>
    page(
      c,
      editing
        ? t(c)("providers.edit.title", { name: editing.name })
        : t(c)("providers.new.title"),
      ProviderForm({
        lang: c.get("lang"),
        editing,
        values,
        problems,
        services: SERVICES,
        categories: DATA_CATEGORIES,
        safeguards: SAFEGUARDS,
      }),
      problems ? 400 : 200,
    );

  app.get("/providers/new", (c) => form(c, null, EMPTY));

  app.post("/providers", async (c) => {
    const input = formInput(await c.req.parseBody({ all: true }));
    try {
      await addProvider(
        db,
        requirePrincipal(c),
        input,
        formatDayInZone(new Date(), readerZone(c)),
        requestMeta(c),
      );
    } catch (err) {
      if (!(err instanceof ProviderInputError)) throw err;
      return form(c, null, input, err.problems);
    }
    return c.redirect("/providers?saved=1", 303);
  });

  /** The active provider of the path, or a 404. */
  const activeProvider = async (c: Context) => {
    const provider = await getProvider(db, requirePrincipal(c), idOf(c));
    if (!provider || provider.retiredAt) throw new HTTPException(404);
    return provider;
  };

  app.get("/providers/:providerId/edit", async (c) => {
    const p = await activeProvider(c);
    return form(c, { id: p.id, name: p.name }, {
      name: p.name,
      service: p.service,
      purpose: p.purpose,
      dataCategories: p.dataCategories,
      region: p.region,
      safeguards: p.safeguards,
      hasAgreement: p.hasAgreement ? "yes" : "no",
      agreementSignedOn: p.agreementSignedOn ?? "",
      reviewDueOn: p.reviewDueOn,
    });
  });

  app.post("/providers/:providerId", async (c) => {
    const p = await activeProvider(c);
    const input = formInput(await c.req.parseBody({ all: true }));
    try {
      const saved = await editProvider(
        db,
        requirePrincipal(c),
        p.id,
        input,
        formatDayInZone(new Date(), readerZone(c)),
        requestMeta(c),
      );
      if (!saved) throw new HTTPException(404);
    } catch (err) {
      if (!(err instanceof ProviderInputError)) throw err;
      return form(c, { id: p.id, name: p.name }, input, err.problems);
    }
    return c.redirect("/providers?saved=1", 303);
  });

  app.get("/providers/:providerId/retire", async (c) => {
    const p = await activeProvider(c);
    return page(
      c,
      t(c)("providers.retire.title", { name: p.name }),
      RetireProviderPage({ lang: c.get("lang"), id: p.id, name: p.name }),
    );
  });

  app.post("/providers/:providerId/retire", async (c) => {
    const retired = await retireProvider(
      db,
      requirePrincipal(c),
      idOf(c),
      requestMeta(c),
    );
    if (!retired) throw new HTTPException(404);
    return c.redirect("/providers?saved=1", 303);
  });

  return app;
}
