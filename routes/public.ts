// Issue #17: the public documents — /policy, /privacy, /terms and each
// earlier version at /<kind>/versions/:version, open to everyone — and their
// editor for documents.publish: /documents (the list and the company
// details), a document's editor, its preview and its publication.
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Database } from "../db/client.ts";
import { documentBlocks } from "../lib/documents/blocks.ts";
import {
  companyDetails,
  CompanyDetailsError,
  type CompanyField,
  updateCompanyDetails,
} from "../lib/documents/company.ts";
import {
  documentHistory,
  documentVersion,
  type Draft,
  draftDigest,
  DraftError,
  type DraftInput,
  latestDocument,
  parseDraft,
  publishDocument,
  StaleDraftError,
  UnpreviewedDraftError,
} from "../lib/documents/documents.ts";
import {
  DOCUMENT_KINDS,
  type DocumentKind,
  isDocumentKind,
} from "../lib/documents/kinds.ts";
import { publicProviders } from "../lib/providers/register.ts";
import { PublicDocumentPage } from "../views/public/document.tsx";
import {
  DocumentsPage,
  EditDocumentPage,
  PreviewDocumentPage,
} from "../views/public/editor.tsx";
import { publicCatalogue, type PublicKey } from "../views/public/messages.ts";
import { readerZone, requestMeta, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";

export interface PublicDeps {
  db: Database;
}

const VERSION = /^[1-9]\d{0,8}$/;

/** A text field of a parsed form body ("" when absent or a file). */
function text(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  return typeof v === "string" ? v : "";
}

function draftInput(body: Record<string, unknown>): DraftInput {
  return {
    title: text(body, "title"),
    body: text(body, "body"),
    changeNote: text(body, "changeNote"),
    base: text(body, "base"),
  };
}

export function publicRoutes(deps: PublicDeps): Hono {
  const { db } = deps;
  const app = new Hono();

  const kindOf = (c: Context): DocumentKind => {
    const kind = c.req.param("kind") ?? "";
    if (!isDocumentKind(kind)) throw new HTTPException(404);
    return kind;
  };
  const nameOf = (c: Context, kind: DocumentKind) =>
    publicCatalogue.t(c.get("lang"), `public.kind.${kind}` as PublicKey);

  /** A document's page: the latest version, or version `n`. */
  async function showDocument(
    c: Context,
    kind: DocumentKind,
    n: string | null,
  ): Promise<Response> {
    if (n !== null && !VERSION.test(n)) throw new HTTPException(404);
    const [doc, versions, company, providers] = await Promise.all([
      n === null
        ? latestDocument(db, kind)
        : documentVersion(db, kind, Number(n)),
      documentHistory(db, kind),
      companyDetails(db),
      kind === "privacy" ? publicProviders(db) : Promise.resolve(undefined),
    ]);
    if (!doc) throw new HTTPException(404);
    return page(
      c,
      n === null
        ? doc.title
        : `${doc.title} · ${
          publicCatalogue.t(c.get("lang"), "public.versionOf", {
            version: doc.version,
          })
        }`,
      PublicDocumentPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        doc: {
          kind,
          version: doc.version,
          title: doc.title,
          blocks: documentBlocks(doc.body),
          publishedAt: doc.publishedAt,
        },
        latest: versions[0]?.version ?? doc.version,
        versions,
        company,
        providers,
      }),
    );
  }

  for (const kind of DOCUMENT_KINDS) {
    app.get(`/${kind}`, (c) => showDocument(c, kind, null));
    app.get(
      `/${kind}/versions/:version`,
      (c) => showDocument(c, kind, c.req.param("version")),
    );
  }

  /** /documents, with the company form's values and problems when refused. */
  async function documentsPage(
    c: Context,
    opts: {
      company?: Record<CompanyField, string>;
      problems?: Partial<Record<CompanyField, string>>;
      saved?: boolean;
    } = {},
    status = 200,
  ): Promise<Response> {
    const latest = await Promise.all(
      DOCUMENT_KINDS.map((k) => latestDocument(db, k)),
    );
    return page(
      c,
      publicCatalogue.t(c.get("lang"), "documents.title"),
      DocumentsPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        documents: DOCUMENT_KINDS.map((kind, i) => ({
          kind,
          version: latest[i]?.version ?? null,
          publishedAt: latest[i]?.publishedAt ?? null,
        })),
        company: opts.company ?? await companyDetails(db),
        companyProblems: opts.problems,
        saved: opts.saved,
      }),
      status,
    );
  }

  app.get(
    "/documents",
    (c) => documentsPage(c, { saved: c.req.query("saved") === "company" }),
  );

  app.post("/documents/company", async (c) => {
    const body = await c.req.parseBody();
    const input = {
      name: text(body, "name"),
      email: text(body, "email"),
      address: text(body, "address"),
    };
    try {
      await updateCompanyDetails(
        db,
        requirePrincipal(c),
        input,
        requestMeta(c),
      );
    } catch (err) {
      if (!(err instanceof CompanyDetailsError)) throw err;
      return documentsPage(c, { company: input, problems: err.problems }, 400);
    }
    return c.redirect("/documents?saved=company", 303);
  });

  /** The editor, with a draft (the latest version's text by default). */
  async function editor(
    c: Context,
    kind: DocumentKind,
    opts: {
      draft?: DraftInput;
      problems?: DraftError["problems"];
      reason?: { kind: "stale"; version: number } | { kind: "unpreviewed" };
    } = {},
    status = 200,
  ): Promise<Response> {
    const latest = await latestDocument(db, kind);
    const draft = opts.draft ?? {
      title: latest?.title ?? nameOf(c, kind),
      body: latest?.body ?? "",
      changeNote: "",
      base: String(latest?.version ?? 0),
    };
    return page(
      c,
      publicCatalogue.t(c.get("lang"), "documents.edit.title", {
        document: nameOf(c, kind),
      }),
      EditDocumentPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        kind,
        baseVersion: latest
          ? { version: latest.version, publishedAt: latest.publishedAt }
          : null,
        draft,
        problems: opts.problems,
        reason: opts.reason ?? null,
      }),
      status,
    );
  }

  app.get("/documents/:kind/edit", (c) => editor(c, kindOf(c)));

  // Back from the preview: the editor with the previewed text.
  app.post("/documents/:kind/edit", async (c) => {
    const kind = kindOf(c);
    return editor(c, kind, { draft: draftInput(await c.req.parseBody()) });
  });

  /** The draft, checked; or the editor with its problems (a 400). */
  async function checked(
    c: Context,
    kind: DocumentKind,
    input: DraftInput,
  ): Promise<Draft | Response> {
    try {
      return parseDraft(input);
    } catch (err) {
      if (!(err instanceof DraftError)) throw err;
      return await editor(
        c,
        kind,
        { draft: input, problems: err.problems },
        400,
      );
    }
  }

  app.post("/documents/:kind/preview", async (c) => {
    const kind = kindOf(c);
    const input = draftInput(await c.req.parseBody());
    const draft = await checked(c, kind, input);
    if (draft instanceof Response) return draft;
    const latest = await latestDocument(db, kind);
    const current = latest?.version ?? 0;
    if (draft.base !== current) {
      // Kept as typed, now based on the newer version: the next preview
      // goes ahead once the editor has seen it.
      return editor(c, kind, {
        draft: { ...input, base: String(current) },
        reason: { kind: "stale", version: current },
      }, 409);
    }
    const [company, providers] = await Promise.all([
      companyDetails(db),
      kind === "privacy" ? publicProviders(db) : Promise.resolve(undefined),
    ]);
    return page(
      c,
      publicCatalogue.t(c.get("lang"), "documents.preview.title", {
        document: nameOf(c, kind),
        version: current + 1,
      }),
      PreviewDocumentPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        kind,
        version: current + 1,
        // What is shown and sent on is the checked text, as it will be stored.
        draft: { ...draft, base: String(draft.base) },
        digest: await draftDigest(kind, draft),
        blocks: documentBlocks(draft.body),
        providers,
        company,
      }),
    );
  });

  app.post("/documents/:kind/publish", async (c) => {
    const kind = kindOf(c);
    const body = await c.req.parseBody();
    const input = draftInput(body);
    const draft = await checked(c, kind, input);
    if (draft instanceof Response) return draft;
    try {
      await publishDocument(
        db,
        requirePrincipal(c),
        kind,
        draft,
        text(body, "digest"),
        requestMeta(c),
      );
    } catch (err) {
      if (err instanceof UnpreviewedDraftError) {
        return editor(c, kind, {
          draft: input,
          reason: { kind: "unpreviewed" },
        }, 409);
      }
      if (err instanceof StaleDraftError) {
        return editor(c, kind, {
          draft: { ...input, base: String(err.latest) },
          reason: { kind: "stale", version: err.latest },
        }, 409);
      }
      throw err;
    }
    return c.redirect(`/${kind}`, 303);
  });

  return app;
}
