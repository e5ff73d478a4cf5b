// Issue #17, Data Policy "Policy Updates": the public documents and their
// versions. Anyone reads them (the public pages run as a principal with no
// user and no store); someone holding documents.publish adds a version, in
// two steps — a preview of exactly what will be published, then the
// publication itself, audited in the same transaction. A published version
// never changes: the database grants no UPDATE or DELETE on it (0032).
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { type Database, type Principal, rowsOf } from "../../db/client.ts";
import { documents } from "../../db/schema.ts";
import { recordAuditInTx, type RequestMeta } from "../security/audit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { plainText } from "../validation.ts";
import type { DocumentKind } from "./kinds.ts";

/** Who reads a public page: nobody signed in, no store. */
export const READER: Principal = { userId: "", storeIds: [] };

export const TITLE_MAX = 200;
export const BODY_MAX = 100_000;
export const NOTE_MAX = 500;

export interface DocumentVersion {
  kind: DocumentKind;
  version: number;
  title: string;
  body: string;
  changeNote: string;
  publishedAt: Date;
  publishedByName: string | null;
}

/** One line of a document's history (no body). */
export interface VersionSummary {
  version: number;
  title: string;
  changeNote: string;
  publishedAt: Date;
}

/** The latest version of `kind`, or null when none is published. */
export async function latestDocument(
  db: Database,
  kind: DocumentKind,
): Promise<DocumentVersion | null> {
  const [row] = await db.asUser(
    READER,
    (tx) =>
      tx.select().from(documents).where(eq(documents.kind, kind))
        .orderBy(desc(documents.version)).limit(1),
  );
  return row ? toVersion(row) : null;
}

/** Version `version` of `kind`, or null when there is none. */
export async function documentVersion(
  db: Database,
  kind: DocumentKind,
  version: number,
): Promise<DocumentVersion | null> {
  const [row] = await db.asUser(
    READER,
    (tx) =>
      tx.select().from(documents).where(
        and(eq(documents.kind, kind), eq(documents.version, version)),
      ),
  );
  return row ? toVersion(row) : null;
}

/** Every version of `kind`, newest first. */
export async function documentHistory(
  db: Database,
  kind: DocumentKind,
): Promise<VersionSummary[]> {
  return await db.asUser(READER, (tx) =>
    tx.select({
      version: documents.version,
      title: documents.title,
      changeNote: documents.changeNote,
      publishedAt: documents.publishedAt,
    }).from(documents).where(eq(documents.kind, kind))
      .orderBy(desc(documents.version)));
}

function toVersion(row: typeof documents.$inferSelect): DocumentVersion {
  return {
    kind: row.kind,
    version: row.version,
    title: row.title,
    body: row.body,
    changeNote: row.changeNote,
    publishedAt: row.publishedAt,
    publishedByName: row.publishedByName,
  };
}

/** The editor's fields, as typed. */
export interface DraftInput {
  title: string;
  body: string;
  changeNote: string;
  /** The version the editor started from. */
  base: string;
}
export const DRAFT_FIELDS = ["title", "body", "changeNote", "base"] as const;
export type DraftField = typeof DRAFT_FIELDS[number];

/** What is wrong with one field: a code the views put into words. */
export type DraftProblem = "required" | "too_long" | "control" | "invalid";

export interface Draft {
  title: string;
  body: string;
  changeNote: string;
  base: number;
}

const draftSchema = z.object({
  title: plainText().trim().min(1, "required").max(TITLE_MAX, "too_long"),
  // Line endings as the browser sends them, stored as "\n".
  body: plainText({ multiline: true }).transform((v) =>
    v.replace(/\r\n?/g, "\n").trim()
  ).pipe(z.string().min(1, "required").max(BODY_MAX, "too_long")),
  changeNote: plainText().trim().min(1, "required").max(NOTE_MAX, "too_long"),
  base: z.string().regex(/^\d{1,9}$/, "invalid").transform(Number),
});

/** Refused: a problem per field; nothing was published. */
export class DraftError extends Error {
  override name = "DraftError";
  constructor(readonly problems: Partial<Record<DraftField, DraftProblem>>) {
    super(`draft refused: ${Object.keys(problems).join(", ")}`);
  }
}

/** Someone published a newer version since the editor opened. */
export class StaleDraftError extends Error {
  override name = "StaleDraftError";
  constructor(readonly latest: number) {
    super(`a newer version (${latest}) was published meanwhile`);
  }
}

/** The preview was of other text than the one sent to publish. */
export class UnpreviewedDraftError extends Error {
  override name = "UnpreviewedDraftError";
  constructor() {
    super("publish what was previewed");
  }
}

/** Checks the editor's fields; throws DraftError with a problem per field. */
export function parseDraft(input: DraftInput): Draft {
  const parsed = draftSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems: Partial<Record<DraftField, DraftProblem>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as DraftField;
    const code = issue.message;
    problems[field] ??= code === "required" || code === "too_long" ||
        code === "invalid"
      ? code
      : "control";
  }
  throw new DraftError(problems);
}

/**
 * A digest of what a preview showed: publishing carries it back, so what is
 * published is what was previewed (a changed text needs a new preview).
 */
export async function draftDigest(
  kind: DocumentKind,
  draft: Draft,
): Promise<string> {
  const bytes = new TextEncoder().encode(
    JSON.stringify([
      kind,
      draft.base,
      draft.title,
      draft.body,
      draft.changeNote,
    ]),
  );
  const hash = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(
    new Uint8Array(hash),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

/**
 * Publishes the previewed draft as the next version of `kind`; audited
 * (`document.publish`). Throws DraftError, UnpreviewedDraftError (the digest
 * is not the preview's) or StaleDraftError (a newer version exists).
 *
 * @example
 * const draft = parseDraft(form);
 * const version = await publishDocument(db, owner, "privacy", draft,
 *   await draftDigest("privacy", draft), meta);
 */
export async function publishDocument(
  db: Database,
  actor: StaffPrincipal,
  kind: DocumentKind,
  draft: Draft,
  digest: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<number> {
  if (!actor.permissions.has("documents.publish")) {
    throw new Error("publishing needs documents.publish");
  }
  if (digest !== await draftDigest(kind, draft)) {
    throw new UnpreviewedDraftError();
  }
  return await db.asUser(actor, async (tx) => {
    const [row] = rowsOf<{ version: number | null }>(
      await tx.execute(sql`select document_publish(${kind}, ${draft.base},
        ${draft.title}, ${draft.body}, ${draft.changeNote},
        ${now.toISOString()}::timestamptz) as version`),
    );
    if (row.version === null) {
      const [latest] = await tx.select({ version: documents.version })
        .from(documents).where(eq(documents.kind, kind))
        .orderBy(desc(documents.version)).limit(1);
      throw new StaleDraftError(latest?.version ?? 0);
    }
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: actor.userId,
      action: "document.publish",
      target: `${kind}/${row.version}`,
      outcome: "success",
      ...meta,
      details: {
        kind,
        version: row.version,
        title: draft.title,
        changeNote: draft.changeNote,
        characters: draft.body.length,
      },
    });
    return row.version;
  });
}
