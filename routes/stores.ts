// The stores a principal is granted. Another store's page is a 404, exactly
// like a store that does not exist: row-level security decides (§5).
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import {
  getStoreDetail,
  listVisibleStores,
  PrimaryMarketplaceError,
  registerOwnStore,
  registrationRegions,
  setPrimaryMarketplace,
  StoreRegistrationError,
  storeVisible,
} from "../lib/stores.ts";
import {
  RegisterStorePage,
  StoreDetailPage,
  StoreListPage,
} from "../views/stores/pages.tsx";
import {
  connectionStatus,
  SP_API_ROLES,
} from "../lib/connections/authorize.ts";
import { ConnectionSection } from "../views/stores/connect.tsx";
import {
  allowedActions,
  archivedCategories,
  CATEGORY_NAMES,
  DisconnectionError,
  disconnectionPreview,
  listDisconnections,
  openArchiveForDownload,
  requestDisconnection,
  summarizeSteps,
} from "../lib/policy/disconnection.ts";
import { stream } from "hono/streaming";
import type { Vault } from "../lib/security/vault.ts";
import type { Enqueue } from "../lib/queue.ts";
import {
  DisconnectButton,
  DisconnectConfirm,
  DisconnectForm,
  DisconnectionRecords,
  DisconnectionsHeader,
  type DisconnectionView,
} from "../views/stores/disconnect.tsx";
import { word } from "../views/words.ts";
import { translator } from "../views/i18n.ts";
import { clientIp, readerZone, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";
import { ArchiveError } from "../lib/policy/archives.ts";
import { t as syncT } from "../views/sync/messages.ts";
import { inventoryCatalogue } from "../views/inventory/messages.ts";

export function storeRoutes(deps: {
  db: Database;
  vault: Vault;
  enqueue: Enqueue;
}): Hono {
  const app = new Hono();
  app.get("/stores", async (c) => {
    const stores = await listVisibleStores(deps.db, requirePrincipal(c));
    return page(
      c,
      translator(c.get("lang"))("stores.title"),
      StoreListPage({
        lang: c.get("lang"),
        stores,
        canRegister: requirePrincipal(c).permissions.has("stores.manage"),
      }),
    );
  });

  const regions = registrationRegions();
  app.get("/stores/new", (c) =>
    page(
      c,
      translator(c.get("lang"))("stores.register.title"),
      RegisterStorePage({ lang: c.get("lang"), regions }),
    ));
  app.post("/stores", async (c) => {
    const body = await c.req.parseBody({ all: true });
    const one = (k: string) =>
      typeof body[k] === "string" ? body[k] as string : "";
    const raw = body.marketplaceIds;
    const values = {
      sellerId: one("sellerId"),
      region: one("region"),
      name: one("name"),
      brand: one("brand"),
      marketplaceIds: (Array.isArray(raw) ? raw : raw ? [raw] : []).filter(
        (x): x is string => typeof x === "string",
      ),
      primaryMarketplaceId: one("primaryMarketplaceId"),
    };
    try {
      const id = await registerOwnStore(
        deps.db,
        requirePrincipal(c),
        values as Parameters<typeof registerOwnStore>[2],
        { ip: clientIp(c), requestId: c.get("requestId") },
      );
      return c.redirect(`/stores/${id}`, 303);
    } catch (err) {
      if (!(err instanceof StoreRegistrationError)) throw err;
      const words = err.problems.map((p) => ({
        code: p.code,
        text: translator(c.get("lang"))(
          `stores.problem.${p.code}`,
          "params" in p ? p.params : {},
        ),
      }));
      const primary = words.find((w) => w.code === "primaryMarketplaceId");
      return page(
        c,
        translator(c.get("lang"))("stores.register.title"),
        RegisterStorePage({
          lang: c.get("lang"),
          regions,
          values,
          errors: words.map((w) => w.text),
          fieldErrors: primary
            ? { primaryMarketplaceId: primary.text }
            : undefined,
        }),
        400,
      );
    }
  });
  /** The store page's primary-marketplace form (lib checks it is the store's). */
  const primaryMarketplaceForm = z.object({
    marketplaceId: z.string().trim().min(1).max(40),
  });
  const storeId = (raw: string) => {
    const id = z.uuid().safeParse(raw);
    if (!id.success) throw new HTTPException(404);
    return id.data;
  };
  const records = async (c: Context, id: string) =>
    DisconnectionRecords({
      lang: c.get("lang"),
      zone: readerZone(c),
      storeId: id,
      records: (await listDisconnections(deps.db, requirePrincipal(c), id)).map(
        (r): DisconnectionView => ({
          id: r.id,
          archives: requirePrincipal(c).permissions.has("archives.download")
            ? archivedCategories(r)
            : [],
          status: r.status,
          requestedAt: r.requestedAt.toISOString(),
          completedAt: r.completedAt?.toISOString() ?? null,
          reason: r.reason,
          steps: summarizeSteps(r.steps),
        }),
      ),
    });

  app.get("/stores/:id", (c) => storePage(c));
  app.post("/stores/:id/primary-marketplace", async (c) => {
    const id = storeId(c.req.param("id"));
    const form = primaryMarketplaceForm.safeParse(await c.req.parseBody());
    try {
      if (!form.success) throw new PrimaryMarketplaceError("marketplaceId");
      const saved = await setPrimaryMarketplace(
        deps.db,
        requirePrincipal(c),
        id,
        form.data,
        { ip: clientIp(c), requestId: c.get("requestId") },
      );
      if (!saved) throw new HTTPException(404);
      return c.redirect(`/stores/${id}`, 303);
    } catch (err) {
      if (!(err instanceof PrimaryMarketplaceError)) throw err;
      return storePage(c, [
        translator(c.get("lang"))(`stores.primary.problem.${err.code}`),
      ]);
    }
  });
  const storePage = async (c: Context, primaryErrors?: string[]) => {
    const id = storeId(c.req.param("id")!);
    const principal = requirePrincipal(c);
    const store = await getStoreDetail(deps.db, principal, id);
    if (!store) throw new HTTPException(404);
    // A store that was never connected and holds nothing has nothing to
    // disconnect; one that was connected (or holds data) does.
    const holdsData = Object.values(store.counts).some((n) => n > 0);
    const canDisconnect = principal.permissions.has("stores.manage") &&
      (store.status === "connected" || store.status === "revoked" ||
        (store.status === "registered" && holdsData));
    const connection = await connectionStatus(deps.db, principal, id);
    return page(c, store.name, [
      StoreDetailPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        storeId: id,
        store,
        canManage: principal.permissions.has("stores.manage"),
        primaryErrors,
        syncHref: principal.permissions.has("sync.read")
          ? `/stores/${id}/sync`
          : undefined,
        syncLabel: syncT(c.get("lang"), "sync.title"),
        restockHref: principal.permissions.has("stores.manage")
          ? `/stores/${id}/restock`
          : undefined,
        restockLabel: inventoryCatalogue.t(
          c.get("lang"),
          "inventory.settings.title",
        ),
      }),
      ConnectionSection({
        lang: c.get("lang"),
        zone: readerZone(c),
        storeId: id,
        status: store.status,
        canConnect: principal.permissions.has("credentials.manage") &&
          !["disconnecting", "disconnected"].includes(store.status),
        credentials: connection.credentials.map((x) => ({
          api: x.api,
          method: x.method,
          roles: x.roles,
          scopes: x.scopes,
          issuedAt: x.issuedAt,
          lastUsedAt: x.lastUsedAt,
          lastRotatedAt: x.lastRotatedAt,
          authorizationExpiresAt: x.authorizationExpiresAt,
        })),
        roles: SP_API_ROLES.map((r) => ({
          role: r.role,
          why: translator(c.get("lang"))(`connect.why.${r.why}`),
        })),
        apps: connection.apps.filter((a) => a.api === "sp-api"),
        adsApps: connection.apps.filter((a) => a.api === "ads"),
      }),
      await records(c, id),
      canDisconnect
        ? DisconnectButton({ lang: c.get("lang"), storeId: id })
        : null,
    ], primaryErrors ? 400 : 200);
  };

  app.post("/stores/:id/disconnections/:did/archive", async (c) => {
    const id = storeId(c.req.param("id"));
    const did = z.uuid().safeParse(c.req.param("did"));
    if (!did.success) throw new HTTPException(404);
    const body = await c.req.parseBody();
    const category = typeof body.category === "string" ? body.category : "";
    const reason = typeof body.reason === "string" ? body.reason : "";
    const confirmed = body.confirm === "yes";
    let lines;
    try {
      lines = await openArchiveForDownload(
        { db: deps.db, vault: deps.vault },
        requirePrincipal(c),
        { storeId: id, disconnectionId: did.data, category, reason, confirmed },
        { ip: clientIp(c), requestId: c.get("requestId") },
      );
    } catch (err) {
      if (err instanceof DisconnectionError || err instanceof ArchiveError) {
        throw new HTTPException(400);
      }
      throw err;
    }
    if (!lines) throw new HTTPException(404);
    c.header("Content-Type", "application/x-ndjson; charset=utf-8");
    c.header(
      "Content-Disposition",
      `attachment; filename="archive-${id}-${category}.ndjson"`,
    );
    c.header("Cache-Control", "no-store");
    return stream(c, async (out) => {
      for await (const line of lines) await out.write(line);
    });
  });

  app.get("/stores/:id/disconnections", async (c) => {
    const id = storeId(c.req.param("id"));
    const principal = requirePrincipal(c);
    c.header("Vary", "HX-Request");
    // htmx polls the section; a person who opens the address gets a page.
    if (c.req.header("hx-request") === "true") {
      if (!(await storeVisible(deps.db, principal, id))) {
        throw new HTTPException(404);
      }
      return c.html(await records(c, id));
    }
    const store = await getStoreDetail(deps.db, principal, id);
    if (!store) throw new HTTPException(404);
    const t = translator(c.get("lang"));
    const list = await listDisconnections(deps.db, principal, id);
    return page(c, `${t("disconnect.records")} — ${store.name}`, [
      DisconnectionsHeader({
        lang: c.get("lang"),
        storeId: id,
        storeName: store.name,
        empty: list.length === 0,
      }),
      await records(c, id),
    ]);
  });

  const formView = async (
    c: Context,
    id: string,
    extra: {
      values?: Record<string, string>;
      reason?: string;
      errors?: string[];
    },
    status = 200,
  ) => {
    const preview = await disconnectionPreview(
      deps.db,
      requirePrincipal(c),
      id,
    );
    if (!preview) throw new HTTPException(404);
    return page(
      c,
      translator(c.get("lang"))("disconnect.title"),
      DisconnectForm({
        lang: c.get("lang"),
        storeId: id,
        storeName: preview.storeName,
        categories: preview.categories.map((x) => ({
          ...x,
          allowed: allowedActions(x.category),
        })),
        ...extra,
      }),
      status,
    );
  };

  app.get(
    "/stores/:id/disconnect",
    (c) => formView(c, storeId(c.req.param("id")), {}),
  );

  app.post("/stores/:id/disconnect", async (c) => {
    const id = storeId(c.req.param("id"));
    const principal = requirePrincipal(c);
    const body = await c.req.parseBody();
    const values: Record<string, string> = {};
    for (const k of CATEGORY_NAMES) {
      if (typeof body[k] === "string") values[k] = body[k] as string;
    }
    const reason = typeof body.reason === "string" ? body.reason : "";
    if (body.confirm !== "yes") {
      const preview = await disconnectionPreview(deps.db, principal, id);
      if (!preview) throw new HTTPException(404);
      const missing = CATEGORY_NAMES.filter((k) =>
        !allowedActions(k).includes(values[k])
      );
      if (missing.length > 0 || reason.trim().length < 5) {
        const t = translator(c.get("lang"));
        return await formView(c, id, {
          values,
          reason,
          errors: [
            ...(missing.length
              ? [
                t("disconnect.problem.choices", {
                  categories: missing.map((m) =>
                    word(c.get("lang"), "category", m)
                  ).join(", "),
                }),
              ]
              : []),
            ...(reason.trim().length < 5
              ? [t("disconnect.problem.reason")]
              : []),
          ],
        }, 400);
      }
      return page(
        c,
        translator(c.get("lang"))("disconnect.confirm.title"),
        DisconnectConfirm({
          lang: c.get("lang"),
          storeId: id,
          storeName: preview.storeName,
          plan: preview.categories.map((x) => ({
            category: x.category,
            action: values[x.category],
            rows: x.rows,
          })),
          fields: [...Object.entries(values), ["reason", reason]],
        }),
      );
    }
    try {
      await requestDisconnection(deps, principal, id, {
        choices: values,
        reason,
      });
      return c.redirect(`/stores/${id}`, 303);
    } catch (err) {
      if (!(err instanceof DisconnectionError)) throw err;
      if (err.code === "no_store" || err.code === "no_disconnection") {
        throw new HTTPException(404);
      }
      return await formView(
        c,
        id,
        {
          values,
          reason,
          errors: [
            translator(c.get("lang"))(
              `disconnect.problem.${err.code}`,
              err.params,
            ),
          ],
        },
        400,
      );
    }
  });

  return app;
}
