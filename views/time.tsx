// A moment on a page: shown in the reader's time zone, the UTC instant in
// its `datetime` and on hover (issue #13).
import { formatDayInZone, formatInZone, formatUtcSeconds } from "./format.ts";

export interface TimeProps {
  at: Date | null | undefined;
  /** The reader's IANA time zone. */
  zone: string;
  precision?: "minutes" | "seconds" | "milliseconds" | "day";
}

/** `<time datetime="…Z" title="… UTC">` in the reader's zone; "—" for none. */
export function Time(p: TimeProps) {
  if (!p.at || Number.isNaN(p.at.getTime())) return <>—</>;
  const text = p.precision === "day"
    ? formatDayInZone(p.at, p.zone)
    : formatInZone(p.at, p.zone, p.precision ?? "minutes");
  return (
    <time datetime={p.at.toISOString()} title={formatUtcSeconds(p.at)}>
      {text}
    </time>
  );
}

const SLOT = "\u{E000}";

/**
 * A translated sentence with one moment in it: `text(slot)` is the message
 * with its placeholder filled by `slot`, where the `<Time>` goes.
 *
 * @example
 * <TimeIn text={(at) => t("retention.nextPurge", { at })} at={next} zone={zone} />
 */
export function TimeIn(
  p: TimeProps & { text: (slot: string) => string },
) {
  const [before, after = ""] = p.text(SLOT).split(SLOT);
  return (
    <>
      {before}
      <Time at={p.at} zone={p.zone} precision={p.precision} />
      {after}
    </>
  );
}
