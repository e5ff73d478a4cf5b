// Row validation for every dataset: each record from Amazon passes a zod
// schema; one that fails is recorded in the run (where and why, never its
// content) and skipped, so a bad row never aborts a page or a report.
import type { z } from "zod";
import type { SyncContext } from "./dataset.ts";

/** The first issue of a zod error, as `path: message`. */
export function issueText(error: z.ZodError): string {
  const i = error.issues[0];
  return i ? `${i.path.join(".") || "row"}: ${i.message}` : "invalid row";
}

/**
 * The records of one page that pass `schema`; the others are recorded as
 * bad rows of `source` at their 1-based position.
 */
export function validRows<S extends z.ZodType>(
  ctx: Pick<SyncContext, "badRow">,
  schema: S,
  records: readonly unknown[],
  source: string,
  firstLine = 1,
): z.infer<S>[] {
  const out: z.infer<S>[] = [];
  for (const [i, r] of records.entries()) {
    const parsed = schema.safeParse(r);
    if (parsed.success) out.push(parsed.data);
    else {
      ctx.badRow({
        line: firstLine + i,
        source,
        reason: issueText(parsed.error),
      });
    }
  }
  return out;
}
