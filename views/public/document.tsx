// The public documents (/policy, /privacy, /terms and /…/versions/:n), for
// visitors who are not signed in: the text as headings, paragraphs and
// lists (every block printed as text: markup an owner typed shows as typed),
// the "Last updated" date, the version list, the company's details, the
// data request form's link in the Data Policy's §13 and, on the privacy
// page, the service providers from the register.
import type { Lang } from "../i18n.ts";
import { Time, TimeIn } from "../time.tsx";
import {
  providersCatalogue,
  type ProvidersKey,
} from "../providers/messages.ts";
import { publicCatalogue, type PublicKey } from "./messages.ts";

/** One block of a document (lib/documents/blocks.ts). */
export type DocBlock =
  | { type: "heading"; text: string; number: number | null; id: string }
  | { type: "paragraph"; lines: string[] }
  | { type: "list"; items: string[] };

export type DocKind = "policy" | "privacy" | "terms";

export interface DocumentView {
  kind: DocKind;
  version: number;
  title: string;
  blocks: DocBlock[];
  publishedAt: Date;
}

export interface VersionLine {
  version: number;
  changeNote: string;
  publishedAt: Date;
}

export interface ProviderLine {
  name: string;
  service: string;
  purpose: string;
  region: string;
  safeguards: string[];
}

export interface CompanyView {
  name: string;
  email: string;
  address: string;
}

export interface PublicDocumentProps {
  lang: Lang;
  zone: string;
  doc: DocumentView;
  /** The newest version's number (the one /<kind> shows). */
  latest: number;
  versions: VersionLine[];
  company: CompanyView;
  /** The privacy page's providers; undefined on the other pages. */
  providers?: ProviderLine[];
}

/** A document's text: its blocks, the §13 request link, the providers. */
export function DocumentBody(p: {
  lang: Lang;
  kind: DocKind;
  blocks: DocBlock[];
  /** The level of a section heading (2 on the page, 3 in a preview). */
  level: 2 | 3;
  providers?: ProviderLine[];
}) {
  const t = publicCatalogue.translator(p.lang);
  const H = p.level === 2 ? "h2" : "h3";
  // Data Policy §13: the request form, right after that section's text (at
  // the end when a version has no §13).
  const requestAfter = p.kind !== "policy" ? -1 : requestLinkPosition(p.blocks);
  const request = (
    <p class="request-link" id="data-request" lang={p.lang}>
      {t("public.request.lead")}{" "}
      <a href="/request">{t("public.request.link")}</a>
    </p>
  );
  return (
    <div class="document-body">
      {p.blocks.map((b, i) => (
        <>
          {b.type === "heading"
            ? <H id={b.id}>{b.text}</H>
            : b.type === "list"
            ? <ul>{b.items.map((item) => <li>{item}</li>)}</ul>
            : (
              <p>
                {b.lines.map((line, j) => (
                  <>
                    {j > 0 && <br />}
                    {line}
                  </>
                ))}
              </p>
            )}
          {i === requestAfter && request}
        </>
      ))}
      {p.providers && (
        <ProvidersSection
          lang={p.lang}
          providers={p.providers}
          level={p.level}
        />
      )}
    </div>
  );
}

/** The index of the last block of §13 (or the last block). */
function requestLinkPosition(blocks: DocBlock[]): number {
  const start = blocks.findIndex((b) =>
    b.type === "heading" && b.number === 13
  );
  if (start < 0) return blocks.length - 1;
  const next = blocks.findIndex((b, i) => i > start && b.type === "heading");
  return next < 0 ? blocks.length - 1 : next - 1;
}

function ProvidersSection(
  p: { lang: Lang; providers: ProviderLine[]; level: 2 | 3 },
) {
  const t = publicCatalogue.translator(p.lang);
  const w = providersCatalogue.translator(p.lang);
  const H = p.level === 2 ? "h2" : "h3";
  return (
    <section aria-labelledby="service-providers" lang={p.lang}>
      <H id="service-providers">{t("public.providers.title")}</H>
      <p>{t("public.providers.intro")}</p>
      {p.providers.length === 0
        ? <p>{t("public.providers.empty")}</p>
        : (
          <div class="table-scroll">
            <table>
              <caption>{t("public.providers.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("public.providers.col.name")}</th>
                  <th scope="col">{t("public.providers.col.purpose")}</th>
                  <th scope="col">{t("public.providers.col.region")}</th>
                  <th scope="col">{t("public.providers.col.safeguards")}</th>
                </tr>
              </thead>
              <tbody>
                {p.providers.map((pr) => (
                  <tr>
                    <th scope="row">
                      {pr.name}
                      <br />
                      <small>
                        {w(`service.${pr.service}` as ProvidersKey)}
                      </small>
                    </th>
                    <td>{pr.purpose}</td>
                    <td>{pr.region}</td>
                    <td>
                      {pr.safeguards.map((s) =>
                        w(`safeguard.${s}` as ProvidersKey)
                      ).join("; ")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </section>
  );
}

/** The company's name and contact address, at the end of every document. */
export function CompanyBlock(
  p: { lang: Lang; company: CompanyView; level?: 2 | 3 },
) {
  const t = publicCatalogue.translator(p.lang);
  const H = p.level === 3 ? "h3" : "h2";
  return (
    <section class="company" aria-labelledby="company-details" lang={p.lang}>
      <H id="company-details">{t("public.company")}</H>
      <dl>
        {p.company.name && (
          <>
            <dt>{t("public.company.name")}</dt>
            <dd>{p.company.name}</dd>
          </>
        )}
        {p.company.email && (
          <>
            <dt>{t("public.company.email")}</dt>
            <dd>
              <a href={`mailto:${p.company.email}`}>{p.company.email}</a>
            </dd>
          </>
        )}
        {p.company.address && (
          <>
            <dt>{t("public.company.address")}</dt>
            <dd>
              {p.company.address.split("\n").map((line, i) => (
                <>
                  {i > 0 && <br />}
                  {line}
                </>
              ))}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** A public document page, current or an earlier version. */
export function PublicDocumentPage(p: PublicDocumentProps) {
  const t = publicCatalogue.translator(p.lang);
  const base = `/${p.doc.kind}`;
  const older = p.doc.version !== p.latest;
  return (
    <article class="public-document" lang="en">
      <header>
        <h1>{p.doc.title}</h1>
        <p class="document-meta" lang={p.lang}>
          <TimeIn
            text={(date) => t("public.lastUpdated", { date })}
            at={p.doc.publishedAt}
            zone={p.zone}
            precision="day"
          />{" "}
          · {t("public.versionOf", { version: p.doc.version })}
          {p.lang !== "en" && (
            <>
              <br />
              <small>{t("public.languageNote")}</small>
            </>
          )}
        </p>
        {older && (
          <p class="older-version" role="note" lang={p.lang}>
            {t("public.older", { version: p.doc.version })}{" "}
            <a href={base}>{t("public.older.current")}</a>
          </p>
        )}
      </header>
      <DocumentBody
        lang={p.lang}
        kind={p.doc.kind}
        blocks={p.doc.blocks}
        level={2}
        providers={p.providers}
      />
      <div lang={p.lang}>
        <CompanyBlock lang={p.lang} company={p.company} />
        <section aria-labelledby="versions">
          <h2 id="versions">{t("public.versions")}</h2>
          <p>{t("public.versions.intro")}</p>
          <ul class="versions">
            {p.versions.map((v) => (
              <li>
                {v.version === p.doc.version
                  ? (
                    <strong aria-current="page">
                      {t("public.versions.entry", { version: v.version })}
                    </strong>
                  )
                  : (
                    <a href={`${base}/versions/${v.version}`}>
                      {t("public.versions.entry", { version: v.version })}
                    </a>
                  )} — <Time at={v.publishedAt} zone={p.zone} precision="day" />
                {v.version === p.latest &&
                  ` (${t("public.versions.current")})`}
                {v.changeNote && (
                  <>
                    : <span lang="en">{v.changeNote}</span>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
        <nav aria-label={t("public.otherDocuments")} class="other-documents">
          <h2>{t("public.otherDocuments")}</h2>
          <ul>
            {(["policy", "privacy", "terms"] as const).filter((k) =>
              k !== p.doc.kind
            ).map((k) => (
              <li>
                <a href={`/${k}`}>{t(`public.kind.${k}` as PublicKey)}</a>
              </li>
            ))}
          </ul>
        </nav>
      </div>
    </article>
  );
}
