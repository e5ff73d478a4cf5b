// /compliance (issue #18): the Data Policy's promises with live evidence,
// for owners and auditors (audit.read); /compliance.html: the same page as
// one self-contained file, audited, carrying the audit chain's head hash.
import { Hono } from "hono";
import type { Context } from "hono";
import type { Database } from "../db/client.ts";
import type { Config } from "../lib/config.ts";
import {
  complianceDownload,
  type ComplianceScreen,
  complianceScreen,
} from "../lib/compliance/page.ts";
import type { EvidenceContext } from "../lib/compliance/registry.ts";
import type { Vault } from "../lib/security/vault.ts";
import { ComplianceDocument } from "../views/compliance/document.tsx";
import { complianceCatalogue } from "../views/compliance/messages.ts";
import {
  CompliancePage,
  type CompliancePageProps,
} from "../views/compliance/page.tsx";
import { readerZone, requestMeta, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";

function props(c: Context, screen: ComplianceScreen): CompliancePageProps {
  return {
    lang: c.get("lang"),
    zone: readerZone(c),
    generatedAt: screen.generatedAt,
    counts: screen.counts,
    sections: screen.sections,
    record: screen.record,
  };
}

/** `/compliance` and `/compliance.html`. */
export function complianceRoutes(
  deps: { db: Database; kv: Deno.Kv; vault: Vault; config: Config },
): Hono {
  const app = new Hono();
  const context = (c: Context): EvidenceContext => ({
    ...deps,
    principal: requirePrincipal(c),
    now: new Date(),
  });

  app.get("/compliance", async (c) => {
    const screen = await complianceScreen(context(c));
    return page(
      c,
      complianceCatalogue.t(c.get("lang"), "compliance.title"),
      CompliancePage(props(c, screen)),
    );
  });

  app.get("/compliance.html", async (c) => {
    const { screen, head } = await complianceDownload(
      context(c),
      requestMeta(c),
    );
    const html = `${ComplianceDocument({ ...props(c, screen), head })}`;
    c.header("Content-Type", "text/html; charset=utf-8");
    c.header(
      "Content-Disposition",
      `attachment; filename="compliance-${
        screen.generatedAt.toISOString().slice(0, 10)
      }.html"`,
    );
    return c.body(html);
  });

  return app;
}
