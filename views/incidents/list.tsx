// /incidents: the incident list with its filters (state, severity, in the
// URL), a keyset "older" link, an empty state, and links to the plan,
// detection rules, canaries and offboarding. Also the dashboard's incident
// notices.
import { ListActions } from "../list_controls.tsx";
import type { Lang } from "../i18n.ts";
import { Badge, type Tone } from "../badge.tsx";
import { Time, TimeIn } from "../time.tsx";
import { incidentsCatalogue, type IncidentsKey } from "./messages.ts";

export interface IncidentListRow {
  id: string;
  ref: number;
  kind: string;
  severity: string;
  state: string;
  detectedAt: Date;
  ownerName: string | null;
  nextDueAt: Date | null;
}

const SEVERITY_TONE: Record<string, [Tone, string]> = {
  low: ["grey", "○"],
  medium: ["blue", "◐"],
  high: ["amber", "▲"],
  critical: ["red", "!"],
};
const STATE_TONE: Record<string, [Tone, string]> = {
  reported: ["amber", "✉"],
  investigating: ["blue", "↻"],
  contained: ["purple", "‖"],
  remediated: ["green", "✓"],
  closed: ["grey", "⊘"],
};

export function SeverityBadge(p: { lang: Lang; severity: string }) {
  const t = incidentsCatalogue.translator(p.lang);
  const [tone, icon] = SEVERITY_TONE[p.severity] ?? ["grey", "•"];
  return (
    <Badge
      tone={tone}
      icon={icon}
      label={t(`inc.severity.${p.severity}` as IncidentsKey)}
      state={p.severity}
    />
  );
}

export function IncidentStateBadge(p: { lang: Lang; state: string }) {
  const t = incidentsCatalogue.translator(p.lang);
  const [tone, icon] = STATE_TONE[p.state] ?? ["grey", "•"];
  return (
    <Badge
      tone={tone}
      icon={icon}
      label={t(`inc.state.${p.state}` as IncidentsKey)}
      state={p.state}
    />
  );
}

export interface IncidentListProps {
  lang: Lang;
  zone: string;
  rows: IncidentListRow[];
  filter: { state: string; severity: string };
  next: string | null;
  now: Date;
  /** `export.csv` held and exports not frozen: the CSV of these filters. */
  canExport: boolean;
}

export function IncidentListPage(p: IncidentListProps) {
  const t = incidentsCatalogue.translator(p.lang);
  const keep = new URLSearchParams(
    Object.entries(p.filter).filter(([, v]) => v !== ""),
  );
  const filterQuery = keep.toString();
  if (p.next) keep.set("after", p.next);
  return (
    <>
      <hgroup>
        <h1>{t("inc.list.title")}</h1>
        <p>{t("inc.list.intro")}</p>
      </hgroup>
      <nav aria-label={t("inc.list.title")}>
        <ul>
          <li>
            <a href="/incidents/report">{t("inc.reportLink")}</a>
          </li>
          <li>
            <a href="/incidents/plan">{t("inc.links.plan")}</a>
          </li>
          <li>
            <a href="/incidents/detection">{t("inc.links.detection")}</a>
          </li>
          <li>
            <a href="/incidents/canaries">{t("inc.links.canaries")}</a>
          </li>
          <li>
            <a href="/incidents/offboarding">{t("inc.links.offboarding")}</a>
          </li>
        </ul>
      </nav>
      <form method="get" action="/incidents" class="filters">
        <fieldset class="grid">
          <legend>{t("inc.list.filters")}</legend>
          <label>
            {t("inc.list.state")}
            <select name="state">
              <option value="" selected={p.filter.state === ""}>
                {t("inc.list.any")}
              </option>
              {[
                "open",
                "reported",
                "investigating",
                "contained",
                "remediated",
                "closed",
              ].map((s) => (
                <option value={s} selected={p.filter.state === s}>
                  {t(`inc.state.${s}` as IncidentsKey)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("inc.list.severity")}
            <select name="severity">
              <option value="" selected={p.filter.severity === ""}>
                {t("inc.list.any")}
              </option>
              {["low", "medium", "high", "critical"].map((s) => (
                <option value={s} selected={p.filter.severity === s}>
                  {t(`inc.severity.${s}` as IncidentsKey)}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
        <ListActions
          path="/incidents"
          labels={{
            apply: t("inc.list.apply"),
            reset: t("inc.list.reset"),
            export: t("inc.list.export"),
          }}
          canExport={p.canExport}
          filterQuery={filterQuery}
        />
      </form>
      {p.rows.length === 0
        ? <p class="empty" role="status">{t("inc.list.empty")}</p>
        : (
          <table class="striped" data-testid="incidents">
            <thead>
              <tr>
                <th scope="col">{t("inc.col.ref")}</th>
                <th scope="col">{t("inc.col.kind")}</th>
                <th scope="col">{t("inc.col.severity")}</th>
                <th scope="col">{t("inc.col.state")}</th>
                <th scope="col">{t("inc.col.detected")}</th>
                <th scope="col">{t("inc.col.owner")}</th>
                <th scope="col">{t("inc.col.notices")}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <th scope="row">
                    <a href={`/incidents/${r.id}`}>
                      {t("inc.ref", { ref: r.ref })}
                    </a>
                  </th>
                  <td>{t(`inc.kind.${r.kind}` as IncidentsKey)}</td>
                  <td>
                    <SeverityBadge lang={p.lang} severity={r.severity} />
                  </td>
                  <td>
                    <IncidentStateBadge lang={p.lang} state={r.state} />
                  </td>
                  <td>
                    <Time at={r.detectedAt} zone={p.zone} />
                  </td>
                  <td>{r.ownerName ?? t("inc.noOwner")}</td>
                  <td>
                    {r.nextDueAt
                      ? (
                        <>
                          <Time at={r.nextDueAt} zone={p.zone} />
                          {r.nextDueAt <= p.now && (
                            <>
                              {" "}
                              <Badge
                                tone="red"
                                icon="!"
                                label={t("inc.notices.overdue")}
                              />
                            </>
                          )}
                        </>
                      )
                      : t("inc.none")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      {p.next && (
        <p>
          <a href={`/incidents?${keep}`} rel="next">{t("inc.list.next")}</a>
        </p>
      )}
    </>
  );
}

export interface IncidentAttentionProps {
  lang: Lang;
  zone: string;
  open: number;
  severe: number;
  noticesDue: {
    incidentId: string;
    ref: number;
    party: string;
    dueAt: Date;
    overdue: boolean;
  }[];
  plan: { overdue: boolean; none: boolean };
}

/** The dashboard's incident notices (only for incident managers). */
export function IncidentAttention(p: IncidentAttentionProps) {
  const t = incidentsCatalogue.translator(p.lang);
  const urgent = p.noticesDue.some((n) => n.overdue) || p.severe > 0;
  if (p.open === 0 && p.noticesDue.length === 0 && !p.plan.overdue) {
    return null;
  }
  return (
    <div
      class={urgent ? "notice overdue" : "notice"}
      role={urgent ? "alert" : "status"}
      aria-label={t("inc.dash.title")}
      data-testid="incident-attention"
    >
      {p.open > 0 && (
        <p>
          <a href="/incidents?state=open">
            {t("inc.dash.open", { count: p.open, severe: p.severe })}
          </a>
        </p>
      )}
      {p.noticesDue.length > 0 && (
        <ul>
          {p.noticesDue.map((n) => (
            <li>
              <a href={`/incidents/${n.incidentId}`}>
                <TimeIn
                  at={n.dueAt}
                  zone={p.zone}
                  text={(at) =>
                    t(
                      n.overdue ? "inc.dash.noticeOverdue" : "inc.dash.notice",
                      {
                        ref: n.ref,
                        party: t(`inc.party.${n.party}` as IncidentsKey),
                        at,
                      },
                    )}
                />
              </a>
            </li>
          ))}
        </ul>
      )}
      {p.plan.overdue && (
        <p>
          <a href="/incidents/plan">
            {t(p.plan.none ? "inc.dash.planNone" : "inc.dash.planDue")}
          </a>
        </p>
      )}
    </div>
  );
}
