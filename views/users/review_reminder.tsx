// The dashboard's reminder that the periodic access review is due (Data
// Policy §5; Amazon asks for one at least every quarter).
import type { Lang } from "../i18n.ts";
import { formatDate, formatTime } from "./components.tsx";
import { t } from "./messages.ts";

export interface ReviewReminderProps {
  lang: Lang;
  /** The reader's time zone (the due day is theirs). */
  zone?: string;
  /** When the review is (or was) due. */
  dueAt: Date;
  /** Past the due date and not completed. */
  overdue: boolean;
}

/**
 * A short notice with a link to the access review page.
 *
 * @example
 * ReviewReminder({ lang: "en", dueAt: status.dueAt, overdue: status.due })
 */
export function ReviewReminder(p: ReviewReminderProps) {
  const date = formatDate(p.dueAt, p.zone);
  return (
    <aside
      class={p.overdue
        ? "notice review-reminder overdue"
        : "notice review-reminder"}
      role={p.overdue ? "alert" : "status"}
      aria-label={t(p.lang, "review.title")}
      data-testid="review-reminder"
    >
      <p>
        <time datetime={p.dueAt.toISOString()} title={formatTime(p.dueAt)}>
          {t(p.lang, p.overdue ? "reminder.overdue" : "reminder.due", { date })}
        </time>{" "}
        <a href="/access-review">{t(p.lang, "reminder.open")}</a>
      </p>
    </aside>
  );
}
