// The editor of the public documents (/documents, documents.publish): the
// three documents with their current versions and the company details; a
// document's editor; the preview of exactly what will be published, whose
// form carries the text and the preview's digest to the publication.
import type { Lang } from "../i18n.ts";
import { Time, TimeIn } from "../time.tsx";
import {
  CompanyBlock,
  type CompanyView,
  type DocBlock,
  type DocKind,
  DocumentBody,
  type ProviderLine,
} from "./document.tsx";
import { publicCatalogue, type PublicKey } from "./messages.ts";

type Problems<F extends string> = Partial<Record<F, string>>;

export interface DocumentsPageProps {
  lang: Lang;
  zone: string;
  documents: {
    kind: DocKind;
    version: number | null;
    publishedAt: Date | null;
  }[];
  company: CompanyView;
  companyProblems?: Problems<"name" | "email" | "address">;
  /** The company details were just saved. */
  saved?: boolean;
}

const LIMITS: Record<string, number> = {
  name: 200,
  email: 254,
  address: 500,
  title: 200,
  body: 100_000,
  changeNote: 500,
};

function problemText(lang: Lang, field: string, problem: string): string {
  const t = publicCatalogue.translator(lang);
  return t(`documents.problem.${problem}` as PublicKey, {
    max: LIMITS[field] ?? 0,
  });
}

/** A field's error beside it, tied by aria-describedby. */
function FieldError(p: { lang: Lang; field: string; problem?: string }) {
  if (!p.problem) return null;
  return (
    <small id={`${p.field}-error`} class="field-error">
      {problemText(p.lang, p.field, p.problem)}
    </small>
  );
}

const described = (field: string, problem?: string, help = false) =>
  [problem ? `${field}-error` : "", help ? `${field}-help` : ""].filter(Boolean)
    .join(" ") || undefined;

/** /documents: the documents and the company details. */
export function DocumentsPage(p: DocumentsPageProps) {
  const t = publicCatalogue.translator(p.lang);
  const problems = p.companyProblems ?? {};
  const refused = Object.keys(problems).length > 0;
  return (
    <>
      <hgroup>
        <h1>{t("documents.title")}</h1>
        <p>{t("documents.intro")}</p>
      </hgroup>
      {p.saved && (
        <p role="status" class="success">{t("documents.company.saved")}</p>
      )}
      <div class="table-scroll">
        <table>
          <caption>{t("documents.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("documents.col.document")}</th>
              <th scope="col" class="num">{t("documents.col.version")}</th>
              <th scope="col">{t("documents.col.updated")}</th>
              <th scope="col">{t("documents.col.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {p.documents.map((d) => (
              <tr id={`document-${d.kind}`}>
                <th scope="row">{t(`public.kind.${d.kind}` as PublicKey)}</th>
                <td class="num">{d.version ?? t("documents.none")}</td>
                <td>
                  <Time at={d.publishedAt} zone={p.zone} precision="day" />
                </td>
                <td>
                  <a href={`/${d.kind}`}>{t("documents.open")}</a>
                  {" · "}
                  <a href={`/documents/${d.kind}/edit`}>
                    {t("documents.edit")}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section aria-labelledby="company-title">
        <h2 id="company-title">{t("documents.company.title")}</h2>
        <p>{t("documents.company.intro")}</p>
        {refused && (
          <p class="error" role="alert">{t("documents.company.invalid")}</p>
        )}
        <form
          method="post"
          action="/documents/company"
          id="company-form"
          novalidate
        >
          <label>
            {t("documents.company.name")}
            <input
              name="name"
              value={p.company.name}
              maxlength={200}
              required
              aria-invalid={problems.name ? "true" : undefined}
              aria-describedby={described("name", problems.name)}
            />
            <FieldError lang={p.lang} field="name" problem={problems.name} />
          </label>
          <label>
            {t("documents.company.email")}
            <input
              type="email"
              name="email"
              value={p.company.email}
              maxlength={254}
              required
              aria-invalid={problems.email ? "true" : undefined}
              aria-describedby={described("email", problems.email)}
            />
            {problems.email && (
              <small id="email-error" class="field-error">
                {problems.email === "email"
                  ? t("documents.problem.email")
                  : problemText(p.lang, "email", problems.email)}
              </small>
            )}
          </label>
          <label>
            {t("documents.company.address")}
            <textarea
              name="address"
              rows={3}
              maxlength={500}
              aria-invalid={problems.address ? "true" : undefined}
              aria-describedby={described("address", problems.address)}
            >
              {p.company.address}
            </textarea>
            <FieldError
              lang={p.lang}
              field="address"
              problem={problems.address}
            />
          </label>
          <button type="submit">{t("documents.company.save")}</button>
        </form>
      </section>
    </>
  );
}

export interface DraftView {
  title: string;
  body: string;
  changeNote: string;
  base: string;
}

export interface EditDocumentProps {
  lang: Lang;
  zone: string;
  kind: DocKind;
  /** The version the editor starts from, or null for none. */
  baseVersion: { version: number; publishedAt: Date } | null;
  draft: DraftView;
  problems?: Problems<"title" | "body" | "changeNote" | "base">;
  /** Why the editor is shown again: a newer version, or a changed text. */
  reason?: { kind: "stale"; version: number } | { kind: "unpreviewed" } | null;
}

/** A document's editor: title, text and what changed; then Preview. */
export function EditDocumentPage(p: EditDocumentProps) {
  const t = publicCatalogue.translator(p.lang);
  const problems = p.problems ?? {};
  const refused = Object.keys(problems).length > 0;
  const name = t(`public.kind.${p.kind}` as PublicKey);
  return (
    <>
      <hgroup>
        <h1>{t("documents.edit.title", { document: name })}</h1>
        <p>
          {p.baseVersion
            ? (
              <TimeIn
                text={(date) =>
                  t("documents.edit.base", {
                    version: p.baseVersion!.version,
                    date,
                  })}
                at={p.baseVersion.publishedAt}
                zone={p.zone}
                precision="minutes"
              />
            )
            : t("documents.edit.empty")}
        </p>
      </hgroup>
      {p.reason?.kind === "stale" && (
        <p class="error" role="alert">
          {t("documents.stale", { version: p.reason.version })}
        </p>
      )}
      {p.reason?.kind === "unpreviewed" && (
        <p class="error" role="alert">{t("documents.unpreviewed")}</p>
      )}
      {refused && <p class="error" role="alert">{t("documents.invalid")}</p>}
      <form
        method="post"
        action={`/documents/${p.kind}/preview`}
        id="document-form"
        novalidate
      >
        <input type="hidden" name="base" value={p.draft.base} />
        {problems.base && (
          <p class="field-error" id="base-error">
            {problemText(p.lang, "base", problems.base)}
          </p>
        )}
        <label>
          {t("documents.field.title")}
          <input
            name="title"
            value={p.draft.title}
            maxlength={200}
            required
            aria-invalid={problems.title ? "true" : undefined}
            aria-describedby={described("title", problems.title)}
          />
          <FieldError lang={p.lang} field="title" problem={problems.title} />
        </label>
        <label>
          {t("documents.field.body")}
          <textarea
            name="body"
            rows={24}
            required
            aria-invalid={problems.body ? "true" : undefined}
            aria-describedby={described("body", problems.body, true)}
          >
            {p.draft.body}
          </textarea>
          <FieldError lang={p.lang} field="body" problem={problems.body} />
          <small id="body-help">{t("documents.field.body.help")}</small>
        </label>
        <label>
          {t("documents.field.changeNote")}
          <input
            name="changeNote"
            value={p.draft.changeNote}
            maxlength={500}
            required
            aria-invalid={problems.changeNote ? "true" : undefined}
            aria-describedby={described(
              "changeNote",
              problems.changeNote,
              true,
            )}
          />
          <FieldError
            lang={p.lang}
            field="changeNote"
            problem={problems.changeNote}
          />
          <small id="changeNote-help">
            {t("documents.field.changeNote.help")}
          </small>
        </label>
        <div class="actions">
          <button type="submit">{t("documents.preview")}</button>
          <a href="/documents" role="button" class="secondary outline">
            {t("documents.cancel")}
          </a>
        </div>
      </form>
    </>
  );
}

export interface PreviewDocumentProps {
  lang: Lang;
  zone: string;
  kind: DocKind;
  /** The number the version will have. */
  version: number;
  draft: DraftView;
  digest: string;
  blocks: DocBlock[];
  providers?: ProviderLine[];
  company: CompanyView;
}

/** The preview: the page as it will be, then Publish or Back to editing. */
export function PreviewDocumentPage(p: PreviewDocumentProps) {
  const t = publicCatalogue.translator(p.lang);
  const name = t(`public.kind.${p.kind}` as PublicKey);
  const hidden = (
    <>
      <input type="hidden" name="base" value={p.draft.base} />
      <input type="hidden" name="title" value={p.draft.title} />
      <input type="hidden" name="changeNote" value={p.draft.changeNote} />
      <textarea name="body" hidden aria-hidden="true" tabindex={-1}>
        {p.draft.body}
      </textarea>
    </>
  );
  return (
    <>
      <hgroup>
        <h1>
          {t("documents.preview.title", { document: name, version: p.version })}
        </h1>
        <p>{t("documents.preview.intro")}</p>
      </hgroup>
      <p>{t("documents.preview.note", { note: p.draft.changeNote })}</p>
      <section
        class="document-preview"
        aria-label={t("documents.preview.frame")}
        id="document-preview"
      >
        <h2 lang="en">{p.draft.title}</h2>
        <DocumentBody
          lang={p.lang}
          kind={p.kind}
          blocks={p.blocks}
          level={3}
          providers={p.providers}
        />
        <CompanyBlock lang={p.lang} company={p.company} level={3} />
      </section>
      <div class="actions">
        <form method="post" action={`/documents/${p.kind}/publish`}>
          {hidden}
          <input type="hidden" name="digest" value={p.digest} />
          <button type="submit">
            {t("documents.preview.publish", { version: p.version })}
          </button>
        </form>
        <form method="post" action={`/documents/${p.kind}/edit`}>
          {hidden}
          <button type="submit" class="secondary outline">
            {t("documents.preview.back")}
          </button>
        </form>
      </div>
    </>
  );
}
