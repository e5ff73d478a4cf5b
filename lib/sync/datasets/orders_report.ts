// The first run's backfill of orders by report (facts §4.8): the all-orders
// flat file by last update, one report per `reportWindowDays` window for all
// the store's marketplaces at once, streamed in `batchRows` batches, each
// batch written while the next is read, as plain inserts until a stored key
// turns up (then as upserts). The lines of one order are kept together
// across batches (the order total sums them). The cursor moves to the next
// window with the window's last rows, so a crash re-reads at most one
// window (the same report, remembered by obtainReport). The number of
// orders per window is kept to plan the searchOrders pass that follows.
import { obtainReport, reportLines, tsvBatches } from "../../amazon/reports.ts";
import { isDuplicateKey, writePrepared } from "../../ingest/_upsert.ts";
import {
  type OrderRow,
  prepareOrders,
  upsertOrders,
} from "../../ingest/orders.ts";
import type { SyncContext } from "../dataset.ts";
import { reportDepsOf } from "../reports.ts";
import { issueText } from "../validate.ts";
import { WriteBehind } from "../write_behind.ts";
import {
  type FlatFileLine,
  flatFileLine,
  marketplaceOfChannel,
  orderFromFlatFile,
} from "./orders_map.ts";

const DAY = 86_400_000;
export const ALL_ORDERS_REPORT =
  "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL";

/** Orders the report found in one window. */
export interface WindowCount {
  from: string;
  to: string;
  orders: number;
}

/** Where the report backfill stands: [start, end] in windows from `next`. */
export interface BackfillState {
  start: string;
  next: string;
  end: string;
  counts: WindowCount[];
}

/**
 * Reads the report windows from `state.next` to `state.end`. `cursorOf`
 * gives the cursor to save once a window is written.
 */
export async function backfillByReport(
  ctx: SyncContext,
  state: BackfillState,
  cursorOf: (s: BackfillState) => unknown,
): Promise<BackfillState> {
  const deps = reportDepsOf(ctx);
  const end = Date.parse(state.end);
  const total = Math.ceil(
    (end - Date.parse(state.start)) / (ctx.settings.reportWindowDays * DAY),
  );
  while (Date.parse(state.next) < end) {
    const from = new Date(state.next);
    const to = new Date(
      Math.min(from.getTime() + ctx.settings.reportWindowDays * DAY, end),
    );
    ctx.progress({
      step: `all-orders report ${from.toISOString().slice(0, 10)} to ${
        to.toISOString().slice(0, 10)
      }`,
      done: state.counts.length,
      total,
    });
    const report = await obtainReport(deps, {
      reportType: ALL_ORDERS_REPORT,
      marketplaceIds: ctx.store.marketplaceIds,
      dataStartTime: from,
      dataEndTime: to,
    });
    const finish = (orders: number): BackfillState => ({
      ...state,
      next: to.toISOString(),
      counts: [...state.counts, {
        from: from.toISOString(),
        to: to.toISOString(),
        orders,
      }],
    });
    if (report.status === "CANCELLED") {
      // Amazon cancels a report that has no data: an empty window.
      state = finish(0);
      await ctx.saveCursor(cursorOf(state));
      continue;
    }
    // Written by this run already (its message delivered again, or
    // resumed): the document is not downloaded again.
    const known = ctx.reportRead(report.reportId);
    if (typeof known === "number") {
      state = finish(known);
      await ctx.saveCursor(cursorOf(state));
      continue;
    }
    ctx.page();
    const source = `${ALL_ORDERS_REPORT} ${report.reportId}`;
    // Lines of one order, with the line number of its first.
    type Group = { line: number; lines: FlatFileLine[] };
    let pending: Group | undefined;
    let orders = 0;
    const toRows = (groups: Group[]): OrderRow[] => {
      const rows: OrderRow[] = [];
      for (const { line, lines } of groups) {
        const market = marketplaceOfChannel(
          lines[0]["sales-channel"],
          ctx.store.marketplaceIds,
        );
        if (!market) {
          // Non-Amazon channels (multi-channel fulfilment) belong to no marketplace.
          ctx.skipped(lines.length);
          continue;
        }
        try {
          rows.push(orderFromFlatFile(ctx.store.storeId, market, lines));
        } catch (err) {
          // An amount with more decimals than its currency has.
          ctx.badRow({ line, source, reason: (err as Error).message });
        }
      }
      orders += groups.length;
      return rows;
    };
    // Each batch is written while the next is read (lib/sync/write_behind.ts).
    const writer = new WriteBehind(ctx);
    // Plain inserts while no order of the window is stored yet; the first
    // existing key (a window read again after a crash, an order updated
    // since an earlier window) turns the rest of the window into upserts.
    let insertOnly = true;
    try {
      for await (
        const batch of tsvBatches(
          reportLines(deps, report),
          ctx.settings.batchRows,
        )
      ) {
        const groups: Group[] = pending ? [pending] : [];
        for (const { line, cells } of batch) {
          const parsed = flatFileLine.safeParse(cells);
          if (!parsed.success) {
            ctx.badRow({ line, source, reason: issueText(parsed.error) });
            continue;
          }
          const last = groups[groups.length - 1];
          const id = parsed.data["amazon-order-id"];
          if (last?.lines[0]["amazon-order-id"] === id) {
            last.lines.push(parsed.data);
          } else groups.push({ line, lines: [parsed.data] });
        }
        // The last order may continue in the next batch.
        pending = groups.pop();
        const rows = toRows(groups);
        if (rows.length === 0) continue;
        const prepared = prepareOrders(rows);
        await writer.push(
          (tx) => writePrepared(tx, prepared, { insertOnly }),
          {
            fallback: {
              retryIf: (err) => {
                if (!isDuplicateKey(err)) return false;
                insertOnly = false;
                return true;
              },
              fn: (tx) => writePrepared(tx, prepared),
            },
          },
        );
      }
      await writer.flush();
    } finally {
      // A run that fails mid-window still waits for the write in flight.
      await writer.settle();
    }
    const rows = toRows(pending ? [pending] : []);
    state = finish(orders);
    await ctx.write((tx) => upsertOrders(tx, rows), {
      value: cursorOf(state),
    });
    ctx.markReportRead(report.reportId, orders);
  }
  ctx.progress({ done: state.counts.length, total });
  return state;
}
