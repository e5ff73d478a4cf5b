// The stores a principal is granted. Another store's page is a 404, exactly
// like a store that does not exist: row-level security decides (§5).
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import {
  getStoreDetail,
  listVisibleStores,
  registerOwnStore,
  StoreRegistrationError,
} from "../lib/stores.ts";
import { REGION_MARKETPLACES } from "../lib/seed/reference.ts";
import {
  RegisterStorePage,
  StoreDetailPage,
  StoreListPage,
} from "../views/stores/pages.tsx";
import { clientIp } from "./access.ts";
import { translator } from "../views/i18n.ts";
import { page } from "./page.ts";

export function storeRoutes(deps: { db: Database }): Hono {
  const app = new Hono();
  app.get("/stores", async (c) => {
    const stores = await listVisibleStores(deps.db, c.get("principal")!);
    return page(
      c,
      translator(c.get("lang"))("stores.title"),
      StoreListPage({
        lang: c.get("lang"),
        stores,
        canRegister: c.get("principal")!.permissions.has("stores.manage"),
      }),
    );
  });

  const regions = (["NA", "EU", "FE"] as const).map((region) => ({
    region,
    marketplaces: REGION_MARKETPLACES[region].map((m) => ({
      id: m.id,
      label: `${m.domain} (${m.countryCode})`,
    })),
  }));
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
    };
    try {
      const id = await registerOwnStore(
        deps.db,
        c.get("principal")!,
        values as Parameters<typeof registerOwnStore>[2],
        { ip: clientIp(c), requestId: c.get("requestId") },
      );
      return c.redirect(`/stores/${id}`, 303);
    } catch (err) {
      if (!(err instanceof StoreRegistrationError)) throw err;
      return page(
        c,
        translator(c.get("lang"))("stores.register.title"),
        RegisterStorePage({
          lang: c.get("lang"),
          regions,
          values,
          errors: err.problems,
        }),
        400,
      );
    }
  });
  app.get("/stores/:id", async (c) => {
    const id = z.uuid().safeParse(c.req.param("id"));
    if (!id.success) throw new HTTPException(404);
    const store = await getStoreDetail(deps.db, c.get("principal")!, id.data);
    if (!store) throw new HTTPException(404);
    return page(
      c,
      store.name,
      StoreDetailPage({
        lang: c.get("lang"),
        store: { ...store, createdAt: store.createdAt.toISOString() },
      }),
    );
  });
  return app;
}
