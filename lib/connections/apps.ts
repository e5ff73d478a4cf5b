// The portal's side of Amazon app credentials (Data Policy §7): what admins
// see (names, dates, deadlines — never a value) and the audited changes.
// The sealing itself lives in lib/amazon/credentials.ts.
import { asc } from "drizzle-orm";
import { z } from "zod";
import { calendarDate, plainText, utcDate } from "../validation.ts";
import type { Database, Principal } from "../../db/client.ts";
import { amazonApps } from "../../db/schema.ts";
import {
  type CredentialWarning,
  credentialWarnings,
  rotateAppSecret,
  saveApp,
  SECRET_LIFETIME_DAYS,
} from "../amazon/credentials.ts";
import { recordAuditInTx } from "../security/audit.ts";
import type { Vault } from "../security/vault.ts";

export interface AppStatus {
  id: string;
  api: "sp-api" | "ads";
  name: string;
  applicationId: string | null;
  draft: boolean;
  secretIssuedAt: Date;
  secretDueAt: Date;
  previousSecretKept: boolean;
  secretVerifiedAt: Date | null;
}

/** Every Amazon app, with dates only. */
export async function listApps(
  db: Database,
  principal: Principal,
): Promise<AppStatus[]> {
  const rows = await db.asUser(
    principal,
    (tx) =>
      tx.select().from(amazonApps).orderBy(
        asc(amazonApps.api),
        asc(amazonApps.name),
      ),
  );
  return rows.map((a) => ({
    id: a.id,
    api: a.api,
    name: a.name,
    applicationId: a.applicationId,
    draft: a.draft,
    secretIssuedAt: a.secretIssuedAt,
    secretDueAt: new Date(
      a.secretIssuedAt.getTime() + SECRET_LIFETIME_DAYS * 86_400_000,
    ),
    previousSecretKept: a.previousSecretJwe !== null,
    secretVerifiedAt: a.secretVerifiedAt,
  }));
}

const day = calendarDate().transform(utcDate);

/** The app form; a field that fails is reported by its name only. */
export const appForm = z.object({
  api: z.enum(["sp-api", "ads"]),
  name: plainText().trim().min(2).max(80),
  applicationId: z.string().trim().regex(
    /^(amzn1\.sp\.solution\.[0-9a-f-]{36}|amzn1\.sellerapps\.app\.[0-9a-f-]{36})?$/,
  ).optional().transform((v) => v || null),
  clientId: z.string().trim().regex(
    /^amzn1\.application-oa2-client\.[0-9a-zA-Z]+$/,
  ),
  clientSecret: z.string().trim().regex(/^amzn1\.oa2-cs\.v1\.[0-9a-zA-Z]+$/),
  secretIssuedAt: day,
  draft: z.literal("on").optional().transform((v) => v === "on"),
});

export const rotateForm = z.object({
  clientSecret: appForm.shape.clientSecret,
  secretIssuedAt: day,
});

/** The fields of the app forms; a problem names the field, never its value. */
export const APP_FORM_FIELDS = [
  "api",
  "name",
  "applicationId",
  "clientId",
  "clientSecret",
  "secretIssuedAt",
  "draft",
] as const;

/** A field that does not have the expected shape (the views say which). */
export interface AppFormProblem {
  code: typeof APP_FORM_FIELDS[number];
}

export class AppFormError extends Error {
  override name = "AppFormError";
  constructor(readonly problems: AppFormProblem[]) {
    super(`app form refused: ${problems.map((p) => p.code)}`);
  }
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const wrong = new Set(r.error.issues.map((i) => i.path[0]));
    throw new AppFormError(
      APP_FORM_FIELDS.filter((f) => wrong.has(f)).map((code) => ({ code })),
    );
  }
  return r.data;
}

/** Registers an app's LWA client; audited without the values. */
export async function addApp(
  db: Database,
  vault: Vault,
  actor: Principal,
  input: unknown,
  meta: { ip?: string | null; requestId?: string | null } = {},
): Promise<string> {
  const v = parse(appForm, input);
  return await db.asUser(actor, async (tx) => {
    const id = await saveApp(tx, vault, v);
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: actor.userId,
      action: "credentials.app.add",
      target: `${v.api}:${v.name}`,
      outcome: "success",
      ip: meta.ip ?? null,
      requestId: meta.requestId ?? null,
      details: { appId: id, draft: v.draft },
    });
    return id;
  });
}

/** Enters a new client secret; the old one stays until the new one works. */
export async function rotateSecret(
  db: Database,
  vault: Vault,
  actor: Principal,
  appId: string,
  input: unknown,
  meta: { ip?: string | null; requestId?: string | null } = {},
): Promise<void> {
  const v = parse(rotateForm, input);
  await db.asUser(actor, async (tx) => {
    await rotateAppSecret(tx, vault, appId, v.clientSecret, v.secretIssuedAt);
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: actor.userId,
      action: "credentials.secret.rotate",
      target: appId,
      outcome: "success",
      ip: meta.ip ?? null,
      requestId: meta.requestId ?? null,
      details: { issuedAt: v.secretIssuedAt.toISOString() },
    });
  });
}

/** Deadlines within 30 days, for the dashboard. */
export async function credentialDeadlines(
  db: Database,
  principal: Principal,
  now = new Date(),
): Promise<CredentialWarning[]> {
  return await db.asUser(principal, (tx) => credentialWarnings(tx, now));
}
