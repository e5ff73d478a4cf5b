// The stores a principal is granted. Another store's page is a 404, exactly
// like a store that does not exist: row-level security decides (§5).
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import { getStoreDetail, listVisibleStores } from "../lib/stores.ts";
import { StoreDetailPage, StoreListPage } from "../views/stores/pages.tsx";
import { translator } from "../views/i18n.ts";
import { page } from "./page.ts";

export function storeRoutes(deps: { db: Database }): Hono {
  const app = new Hono();
  app.get("/stores", async (c) => {
    const stores = await listVisibleStores(deps.db, c.get("principal")!);
    return page(
      c,
      translator(c.get("lang"))("stores.title"),
      StoreListPage({ lang: c.get("lang"), stores }),
    );
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
