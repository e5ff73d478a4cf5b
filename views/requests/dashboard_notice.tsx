// The dashboard's "needs attention" line for open data requests (issue #17):
// how many are open, overdue and due within a week, and the next due date.
import type { Lang } from "../i18n.ts";
import { Time } from "../time.tsx";
import { requestsCatalogue } from "./messages.ts";

export function RequestsNotice(
  p: {
    lang: Lang;
    zone: string;
    summary: {
      open: number;
      overdue: number;
      dueSoon: number;
      nextDueAt: Date | null;
    };
  },
) {
  const t = requestsCatalogue.translator(p.lang);
  const s = p.summary;
  return (
    <article
      class="notice"
      id="data-requests"
      role={s.overdue > 0 ? "alert" : undefined}
    >
      <p>
        <a href="/requests">{t("dash.title")}</a>: {t("dash.summary", {
          open: s.open,
          overdue: s.overdue,
          soon: s.dueSoon,
        })}
        {s.nextDueAt && (
          <>
            {" — "}
            {t("col.due")}:{" "}
            <Time at={s.nextDueAt} zone={p.zone} precision="day" />
          </>
        )}
      </p>
    </article>
  );
}
