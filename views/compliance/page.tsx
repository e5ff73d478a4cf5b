// /compliance: the Data Policy walked section by section, each promise with
// its colour, why, its figures and the screen that proves it; then the
// record of processing. The same body goes into the downloaded file
// (document.tsx), where links are shown as text. Plain data in, HTML out.
import type { Lang } from "../i18n.ts";
import { Badge } from "../badge.tsx";
import { Time, TimeIn } from "../time.tsx";
import { complianceCatalogue, type ComplianceKey } from "./messages.ts";

export type EvidenceStatus = "green" | "amber" | "red";

export interface EvidenceLineView {
  id: string;
  status: EvidenceStatus;
  reason: string;
  figures: {
    label: string;
    value: string | number | boolean | Date | null;
  }[];
  link: string | null;
}

export interface RecordRowView {
  table: string;
  column: string;
  category: string;
  collected: string;
  stored: string;
  used: string;
  shared: string;
  disposed: string;
}

export interface CompliancePageProps {
  lang: Lang;
  zone: string;
  generatedAt: Date;
  counts: Record<EvidenceStatus, number>;
  sections: { section: string; lines: EvidenceLineView[] }[];
  record: RecordRowView[];
  /** In the downloaded file: the chain head, and no links or forms. */
  head?: { id: number; hash: string };
}

const ICONS: Record<EvidenceStatus, string> = {
  green: "✓",
  amber: "!",
  red: "✕",
};

/** A message of the catalogue, or the code itself for one it lacks. */
function say(lang: Lang, key: string): string {
  return complianceCatalogue.has(key)
    ? complianceCatalogue.t(lang, key as ComplianceKey)
    : key;
}

function FigureValue(
  p: {
    lang: Lang;
    zone: string;
    value: EvidenceLineView["figures"][0]["value"];
  },
) {
  const t = complianceCatalogue.translator(p.lang);
  if (p.value === null) return <>—</>;
  if (p.value instanceof Date) return <Time at={p.value} zone={p.zone} />;
  if (typeof p.value === "boolean") {
    return <>{t(p.value ? "compliance.yes" : "compliance.no")}</>;
  }
  if (typeof p.value === "number") return <>{p.value.toLocaleString("en")}</>;
  return <>{p.value}</>;
}

function Line(
  p: { lang: Lang; zone: string; line: EvidenceLineView; standalone: boolean },
) {
  const t = complianceCatalogue.translator(p.lang);
  const l = p.line;
  return (
    <tr id={`line-${l.id}`} data-status={l.status}>
      <th scope="row">{say(p.lang, `line.${l.id}`)}</th>
      <td>
        <Badge
          tone={l.status}
          icon={ICONS[l.status]}
          label={t(`compliance.status.${l.status}`)}
          state={l.status}
        />
      </td>
      <td>
        <p>{say(p.lang, `why.${l.reason}`)}</p>
        {l.figures.length > 0 && (
          <dl class="compliance-figures">
            {l.figures.map((f) => (
              <>
                <dt>{say(p.lang, `figure.${f.label}`)}</dt>
                <dd>
                  <FigureValue lang={p.lang} zone={p.zone} value={f.value} />
                </dd>
              </>
            ))}
          </dl>
        )}
      </td>
      <td>
        {l.link === null
          ? "—"
          : p.standalone
          ? <code>{l.link}</code>
          : <a href={l.link}>{t("compliance.open", { path: l.link })}</a>}
      </td>
    </tr>
  );
}

export function CompliancePage(p: CompliancePageProps) {
  const t = complianceCatalogue.translator(p.lang);
  const standalone = p.head !== undefined;
  return (
    <>
      <hgroup>
        <h1>{t("compliance.title")}</h1>
        <p>{t("compliance.intro")}</p>
      </hgroup>
      <section aria-labelledby="compliance-summary">
        <h2 id="compliance-summary">{t("compliance.summary")}</h2>
        <p>
          <TimeIn
            text={(at) => t("compliance.generated", { at })}
            at={p.generatedAt}
            zone={p.zone}
            precision="seconds"
          />{" "}
          {t("compliance.counts", p.counts)}
        </p>
        {p.head && (
          <p>
            <code class="compliance-head">
              {t("compliance.head", { id: p.head.id, hash: p.head.hash })}
            </code>
          </p>
        )}
        {!standalone && (
          <p>
            <a href="/compliance.html" download role="button">
              {t("compliance.download")}
            </a>{" "}
            <small>{t("compliance.download.help")}</small>
          </p>
        )}
      </section>
      {p.sections.map((s) => (
        <section aria-labelledby={`section-${s.section}`}>
          <h2 id={`section-${s.section}`}>
            {say(p.lang, `section.${s.section}`)}
          </h2>
          {s.lines.length === 0
            ? (
              <p>
                <Badge tone="grey" icon="•" label="—" />{" "}
                {t("compliance.noLine")}
              </p>
            )
            : (
              <div class="overflow-auto">
                <table class="striped">
                  <thead>
                    <tr>
                      <th scope="col">{t("compliance.col.promise")}</th>
                      <th scope="col">{t("compliance.col.status")}</th>
                      <th scope="col">{t("compliance.col.evidence")}</th>
                      <th scope="col">{t("compliance.col.proof")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.lines.map((l) => (
                      <Line
                        lang={p.lang}
                        zone={p.zone}
                        line={l}
                        standalone={standalone}
                      />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
        </section>
      ))}
      <section id="record" aria-labelledby="record-title">
        <h2 id="record-title">{t("compliance.record")}</h2>
        <p>{t("compliance.record.intro")}</p>
        <div class="overflow-auto">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">{t("compliance.record.col.field")}</th>
                <th scope="col">{t("compliance.record.col.category")}</th>
                <th scope="col">{t("compliance.record.col.collected")}</th>
                <th scope="col">{t("compliance.record.col.stored")}</th>
                <th scope="col">{t("compliance.record.col.used")}</th>
                <th scope="col">{t("compliance.record.col.shared")}</th>
                <th scope="col">{t("compliance.record.col.disposed")}</th>
              </tr>
            </thead>
            <tbody>
              {p.record.map((r) => (
                <tr>
                  <th scope="row">
                    <code>{r.table}.{r.column}</code>
                  </th>
                  <td>{say(p.lang, `rop.category.${r.category}`)}</td>
                  <td>{say(p.lang, `rop.collected.${r.collected}`)}</td>
                  <td>{say(p.lang, `rop.stored.${r.stored}`)}</td>
                  <td>{say(p.lang, `rop.used.${r.used}`)}</td>
                  <td>{say(p.lang, `rop.shared.${r.shared}`)}</td>
                  <td>{say(p.lang, `rop.disposed.${r.disposed}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
