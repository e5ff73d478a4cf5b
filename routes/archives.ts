// /archives (Data Policy §10, issue #14): the cold archives' manifests, and
// their download with archives.download, a reason and a confirmation,
// audited (lib/policy/archives.ts).
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { stream } from "hono/streaming";
import type { Database } from "../db/client.ts";
import type { Vault } from "../lib/security/vault.ts";
import {
  ArchiveError,
  downloadArchive,
  listArchives,
} from "../lib/policy/archives.ts";
import { ArchivesPage } from "../views/retention/archives.tsx";
import { retentionCatalogue } from "../views/retention/messages.ts";
import { clientIp, readerZone, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";

export function archiveRoutes(deps: {
  db: Database;
  vault: Vault;
  archiveDir: string;
}): Hono {
  const app = new Hono();
  const render = async (
    c: Context,
    error: ArchiveError["code"] | null = null,
  ) => {
    const principal = requirePrincipal(c);
    const archives = await listArchives(deps, principal);
    return page(
      c,
      retentionCatalogue.t(c.get("lang"), "archives.title"),
      ArchivesPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        canDownload: principal.permissions.has("archives.download"),
        error,
        archives: archives.map((a) => ({
          storeId: a.storeId,
          storeName: a.storeName,
          disconnectionId: a.disconnectionId,
          category: a.category,
          rows: a.rows,
          createdAt: new Date(a.createdAt),
          expiresAt: new Date(a.effectiveExpiresAt),
        })),
      }),
      error ? 400 : 200,
    );
  };

  app.get("/archives", (c) => render(c));

  app.post("/archives/download", async (c) => {
    const body = await c.req.parseBody();
    const f = (k: string) =>
      typeof body[k] === "string" ? body[k] as string : "";
    let opened;
    try {
      opened = await downloadArchive(deps, requirePrincipal(c), {
        storeId: f("storeId"),
        disconnectionId: f("disconnectionId"),
        category: f("category"),
        reason: f("reason"),
        confirmed: f("confirm") === "yes",
      }, { ip: clientIp(c), requestId: c.get("requestId") });
    } catch (err) {
      if (!(err instanceof ArchiveError)) throw err;
      return await render(c, err.code);
    }
    if (!opened) throw new HTTPException(404);
    const { manifest, lines } = opened;
    c.header("Content-Type", "application/x-ndjson; charset=utf-8");
    c.header(
      "Content-Disposition",
      `attachment; filename="archive-${manifest.storeId}-${manifest.category}.ndjson"`,
    );
    c.header("Cache-Control", "no-store");
    return stream(c, async (out) => {
      for await (const line of lines) await out.write(line);
    });
  });

  return app;
}
