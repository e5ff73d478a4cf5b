// The incident team's other screens: the response plan (current version,
// publish, review, history), canary records, detection rules and the
// offboarding checklist.
import type { Lang } from "../i18n.ts";
import { Badge } from "../badge.tsx";
import { Time, TimeIn } from "../time.tsx";
import { incidentsCatalogue, type IncidentsKey } from "./messages.ts";

function Flash(
  p: { flash?: { kind: "done" | "refused"; text: string } | null },
) {
  if (!p.flash) return null;
  return (
    <p
      class={p.flash.kind === "refused" ? "error" : "notice"}
      role={p.flash.kind === "refused" ? "alert" : "status"}
      data-testid="flash"
    >
      {p.flash.text}
    </p>
  );
}

export interface PlanPageProps {
  lang: Lang;
  zone: string;
  current: {
    version: number;
    body: string;
    publishedByName: string;
    publishedAt: Date;
  } | null;
  versions: {
    version: number;
    note: string | null;
    publishedByName: string;
    publishedAt: Date;
  }[];
  reviews: {
    version: number;
    reviewedAt: Date;
    reviewedByName: string;
    note: string;
  }[];
  dueAt: Date | null;
  overdue: boolean;
  draft?: string;
  problems?: Record<string, string>;
  flash?: { kind: "done" | "refused"; text: string } | null;
}

export function PlanPage(p: PlanPageProps) {
  const t = incidentsCatalogue.translator(p.lang);
  const bad = p.problems ?? {};
  return (
    <>
      <hgroup>
        <h1>{t("inc.plan.title")}</h1>
        <p>{t("inc.plan.intro")}</p>
      </hgroup>
      <Flash flash={p.flash} />
      {p.current
        ? (
          <article data-testid="plan-current">
            <header>
              <TimeIn
                at={p.current.publishedAt}
                zone={p.zone}
                text={(at) =>
                  t("inc.plan.version", {
                    version: p.current!.version,
                    at,
                    by: p.current!.publishedByName,
                  })}
              />
            </header>
            <p class="pre-line">{p.current.body}</p>
            <footer>
              {p.dueAt && (
                <TimeIn
                  at={p.dueAt}
                  zone={p.zone}
                  precision="day"
                  text={(at) =>
                    t(
                      p.overdue
                        ? "inc.plan.reviewOverdue"
                        : "inc.plan.reviewDue",
                      {
                        at,
                      },
                    )}
                />
              )}
            </footer>
          </article>
        )
        : <p class="empty" role="status">{t("inc.plan.none")}</p>}
      {p.current && (
        <form method="post" action="/incidents/plan/review">
          <fieldset>
            <legend>{t("inc.plan.review")}</legend>
            <label>
              {t("inc.plan.reviewNote")}
              <textarea
                name="note"
                rows={2}
                required
                maxlength={2000}
                aria-invalid={bad.note ? "true" : undefined}
              >
              </textarea>
            </label>
            <button type="submit">{t("inc.plan.reviewButton")}</button>
          </fieldset>
        </form>
      )}
      <form method="post" action="/incidents/plan">
        <fieldset>
          <legend>{t("inc.plan.publish")}</legend>
          <label>
            {t("inc.plan.body")}
            <textarea
              name="body"
              rows={14}
              required
              minlength={20}
              maxlength={50000}
              aria-invalid={bad.body ? "true" : undefined}
              aria-describedby="plan-body-help"
            >
              {p.draft ?? p.current?.body ?? t("inc.plan.template")}
            </textarea>
            <small id="plan-body-help">{t("inc.plan.body.help")}</small>
          </label>
          <label>
            {t("inc.plan.note")}
            <input type="text" name="note" maxlength={500} />
          </label>
          <button type="submit" class="secondary">
            {t("inc.plan.publishButton")}
          </button>
        </fieldset>
      </form>
      <h2>{t("inc.plan.reviews")}</h2>
      {p.reviews.length === 0
        ? <p class="empty">{t("inc.plan.noReviews")}</p>
        : (
          <ul data-testid="plan-reviews">
            {p.reviews.map((r) => (
              <li>
                <Time at={r.reviewedAt} zone={p.zone} /> · v{r.version} ·{" "}
                {r.reviewedByName} · {r.note}
              </li>
            ))}
          </ul>
        )}
      {p.versions.length > 0 && (
        <>
          <h2>{t("inc.plan.versions")}</h2>
          <ul>
            {p.versions.map((v) => (
              <li>
                <a href={`/incidents/plan?version=${v.version}`}>
                  v{v.version}
                </a>{" "}
                · <Time at={v.publishedAt} zone={p.zone} /> ·{" "}
                {v.publishedByName}
                {v.note && <>· {v.note}</>}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

export interface CanaryPageProps {
  lang: Lang;
  zone: string;
  canOwn: boolean;
  stores: { id: string; name: string }[];
  canaries: {
    storeName: string;
    amazonOrderId: string;
    plantedByName: string;
    plantedAt: Date;
    decoyHeld: boolean;
  }[];
  flash?: { kind: "done" | "refused"; text: string } | null;
}

export function CanaryPage(p: CanaryPageProps) {
  const t = incidentsCatalogue.translator(p.lang);
  return (
    <>
      <hgroup>
        <h1>{t("inc.canary.title")}</h1>
        <p>{t("inc.canary.intro")}</p>
      </hgroup>
      <Flash flash={p.flash} />
      {p.canOwn
        ? (
          <form method="post" action="/incidents/canaries">
            <fieldset class="grid">
              <legend>{t("inc.canary.plant")}</legend>
              <label>
                {t("inc.canary.store")}
                <select name="store" required>
                  <option value="">{t("inc.choose")}</option>
                  {p.stores.map((s) => <option value={s.id}>{s.name}</option>)}
                </select>
              </label>
            </fieldset>
            <button type="submit">{t("inc.canary.plant")}</button>
          </form>
        )
        : <p class="notice">{t("inc.canary.ownerOnly")}</p>}
      {p.canaries.length === 0
        ? <p class="empty" role="status">{t("inc.canary.empty")}</p>
        : (
          <table class="striped" data-testid="canaries">
            <thead>
              <tr>
                <th scope="col">{t("inc.canary.store")}</th>
                <th scope="col">{t("inc.canary.order")}</th>
                <th scope="col">{t("inc.canary.planted")}</th>
                <th scope="col">{t("inc.canary.decoy")}</th>
              </tr>
            </thead>
            <tbody>
              {p.canaries.map((c) => (
                <tr>
                  <td>{c.storeName}</td>
                  <th scope="row">{c.amazonOrderId}</th>
                  <td>
                    <Time at={c.plantedAt} zone={p.zone} /> · {c.plantedByName}
                  </td>
                  <td>
                    {c.decoyHeld
                      ? (
                        <Badge
                          tone="green"
                          icon="✓"
                          label={t("inc.canary.held")}
                        />
                      )
                      : (
                        <Badge
                          tone="amber"
                          icon="!"
                          label={t("inc.canary.purged")}
                        />
                      )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </>
  );
}

export interface DetectionPageProps {
  lang: Lang;
  zone: string;
  rules: {
    rule: string;
    threshold: number;
    windowMinutes: number;
    enabled: boolean;
    checkedTo: Date | null;
  }[];
  flash?: { kind: "done" | "refused"; text: string } | null;
}

export function DetectionPage(p: DetectionPageProps) {
  const t = incidentsCatalogue.translator(p.lang);
  return (
    <>
      <hgroup>
        <h1>{t("inc.detect.title")}</h1>
        <p>{t("inc.detect.intro")}</p>
      </hgroup>
      <Flash flash={p.flash} />
      {p.rules.map((r) => (
        <form method="post" action="/incidents/detection" data-rule={r.rule}>
          <fieldset>
            <legend>{t(`inc.rule.${r.rule}` as IncidentsKey)}</legend>
            <input type="hidden" name="rule" value={r.rule} />
            <div class="grid">
              <label>
                {t("inc.detect.threshold")}
                <input
                  type="number"
                  name="threshold"
                  value={String(r.threshold)}
                  min={1}
                  max={100000}
                  step={1}
                  required
                />
              </label>
              <label>
                {t("inc.detect.window")}
                <input
                  type="number"
                  name="windowMinutes"
                  value={String(r.windowMinutes)}
                  min={1}
                  max={10080}
                  step={1}
                  required
                />
              </label>
              <label>
                <input type="checkbox" name="enabled" checked={r.enabled} />
                {t("inc.detect.enabled")}
              </label>
            </div>
            <small>
              {t("inc.detect.checked")}: <Time at={r.checkedTo} zone={p.zone} />
            </small>{" "}
            <button type="submit" class="secondary">
              {t("inc.detect.save")}
            </button>
          </fieldset>
        </form>
      ))}
    </>
  );
}

export interface OffboardingPageProps {
  lang: Lang;
  zone: string;
  users: { id: string; name: string }[];
  selected: string | null;
  state: {
    userId: string;
    name: string;
    disabled: boolean;
    grantsLeft: number;
    secrets: { name: string; issuedAt: Date; rotated: boolean }[] | null;
    done: boolean;
  } | null;
  flash?: { kind: "done" | "refused"; text: string } | null;
}

function Step(p: { lang: Lang; ok: boolean; children: unknown }) {
  const t = incidentsCatalogue.translator(p.lang);
  return (
    <li>
      {p.ok
        ? <Badge tone="green" icon="✓" label={t("inc.off.yes")} />
        : <Badge tone="amber" icon="◷" label={t("inc.off.no")} />} {p.children}
    </li>
  );
}

export function OffboardingPage(p: OffboardingPageProps) {
  const t = incidentsCatalogue.translator(p.lang);
  const s = p.state;
  return (
    <>
      <hgroup>
        <h1>{t("inc.off.title")}</h1>
        <p>{t("inc.off.intro")}</p>
      </hgroup>
      <Flash flash={p.flash} />
      <form method="get" action="/incidents/offboarding">
        <label>
          {t("inc.off.user")}
          <select name="user" required>
            <option value="" selected={p.selected === null}>
              {t("inc.choose")}
            </option>
            {p.users.map((u) => (
              <option value={u.id} selected={u.id === p.selected}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="secondary">{t("inc.off.show")}</button>
      </form>
      {s && (
        <article data-testid="offboarding">
          <header>
            <strong>{s.name}</strong>
          </header>
          <ul class="checklist">
            <Step lang={p.lang} ok={s.disabled}>{t("inc.off.disable")}</Step>
            <Step lang={p.lang} ok={s.grantsLeft === 0}>
              {t("inc.off.grants", { count: s.grantsLeft })}
            </Step>
            <Step
              lang={p.lang}
              ok={(s.secrets ?? []).every((x) => x.rotated)}
            >
              {t("inc.off.secrets")}
              {s.secrets === null ? <>— {t("inc.off.noSecrets")}</> : (
                <ul>
                  {s.secrets.map((x) => (
                    <li>
                      {x.name} · <Time at={x.issuedAt} zone={p.zone} />{" "}
                      {!x.rotated && (
                        <a href="/admin/amazon-apps">
                          {t("inc.off.rotateLink")}
                        </a>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </Step>
          </ul>
          {s.done ? <p role="status">{t("inc.off.done")}</p> : (
            (!s.disabled || s.grantsLeft > 0) && (
              <form
                method="post"
                action={`/incidents/offboarding/${s.userId}`}
              >
                <label for="offboard-confirm">
                  <input
                    type="checkbox"
                    name="confirm"
                    value="yes"
                    id="offboard-confirm"
                    required
                  />
                  {t("inc.contain.confirm")}
                </label>
                <button type="submit">{t("inc.off.run")}</button>
              </form>
            )
          )}
        </article>
      )}
    </>
  );
}
