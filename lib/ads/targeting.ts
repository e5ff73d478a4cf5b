// The last level of the /ads drill-down: keywords and product targets (what
// a campaign's ad groups bid on), each with its figures for a period from
// the keyword and target rows of ad_metrics_daily, the ratios and TACoS; and
// the ad groups of a campaign with theirs (the sum of their keywords and
// targets: Amazon reports targeting rows, not ad-group rows). Keyset pages;
// row-level security bounds every read to the principal's stores.
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { calendarDate, plainText } from "../validation.ts";
import type { Period } from "../products/list.ts";
import {
  AD_STATES,
  type AdFigures,
  type AdState,
  type CampaignType,
  contains,
  type Cursor,
  decodeCursor,
  encodeCursor,
  figureColumns,
  figuresOf,
  keyset,
  METRIC_SORTS,
  metricSortKeys,
  money2,
  ratioColumns,
  type RawFigures,
  storeSalesWith,
} from "./common.ts";

export const TARGETING_SORTS = [...METRIC_SORTS, "name", "bid"] as const;
export type TargetingSort = typeof TARGETING_SORTS[number];
export const TARGETING_KINDS = ["keyword", "target"] as const;
export type TargetingKind = typeof TARGETING_KINDS[number];
export const MATCH_TYPES = ["EXACT", "PHRASE", "BROAD"] as const;

const opt = <T extends z.ZodType>(s: T) =>
  z.union([s, z.literal("")]).optional().transform((v) =>
    v === "" ? undefined : v as z.output<T> | undefined
  );
const adId = z.string().regex(/^\d{1,20}$/);

/** The query string of /ads/keywords and its export. */
export const targetingQuerySchema = z.object({
  campaign: opt(adId),
  adGroup: opt(adId),
  kind: opt(z.enum(TARGETING_KINDS)),
  state: opt(z.enum(AD_STATES)),
  match: opt(z.enum(MATCH_TYPES)),
  from: opt(calendarDate()),
  to: opt(calendarDate()),
  days: opt(z.enum(["7", "30", "90"])).transform((v) =>
    v === undefined ? undefined : Number(v)
  ),
  q: opt(plainText().trim().max(64)),
  sort: opt(z.enum(TARGETING_SORTS)),
  dir: opt(z.enum(["asc", "desc"])),
  size: opt(z.enum(["50", "100", "500"])).transform((v) => Number(v ?? "50")),
  after: opt(z.string().max(800)),
  before: opt(z.string().max(800)),
});
export type TargetingQuery = z.output<typeof targetingQuerySchema>;

export interface TargetingFilter {
  storeIds: readonly string[];
  campaign?: string;
  adGroup?: string;
  kind?: TargetingKind;
  state?: AdState;
  match?: typeof MATCH_TYPES[number];
  period: Period;
  /** Part of the keyword's text or the target's expression. */
  q?: string;
  sort: TargetingSort;
  dir: "asc" | "desc";
  /** One keyword or target (its page). */
  only?: { kind: TargetingKind; id: string };
}

export interface TargetingRow {
  storeId: string;
  kind: TargetingKind;
  id: string;
  /** The keyword's text, or the target's expression as text. */
  text: string;
  /** EXACT/PHRASE/BROAD for a keyword; AUTO/MANUAL for a target. */
  match: string;
  state: AdState;
  /** Its own bid, else the ad group's default bid. */
  bid: string | null;
  defaultBid: boolean;
  campaignId: string;
  campaignName: string;
  campaignType: CampaignType;
  adGroupId: string;
  adGroupName: string;
  marketplaceId: string;
  figures: AdFigures;
}

/** A target expression ([{type, value}]) as text: "asinSameAs=B0…". */
const EXPRESSION_TEXT = sql`(select string_agg(coalesce(e->>'type', '')
    || coalesce('=' || (e->>'value'), ''), ', ')
  from jsonb_array_elements(case when jsonb_typeof(t.expression) = 'array'
    then t.expression else jsonb_build_array(t.expression) end) e)`;

/** The filter's keywords and targets as a relation `p` (WITH query). */
export function targetingWith(f: TargetingFilter): SQL {
  const ids = `{${f.storeIds.join(",")}}`;
  const campaign = f.campaign ? sql`and campaign_id = ${f.campaign}` : sql``;
  const kinds = f.only
    ? sql`entity_type = ${f.only.kind} and entity_id = ${f.only.id}`
    : f.kind
    ? sql`entity_type = ${f.kind}`
    : sql`entity_type in ('keyword', 'target')`;
  const where: SQL[] = [];
  if (f.adGroup) where.push(sql`x.ad_group_id = ${f.adGroup}`);
  if (f.state) where.push(sql`x.state = ${f.state}`);
  if (f.match) where.push(sql`x.match = ${f.match}`);
  if (f.q) where.push(sql`x.name ilike ${contains(f.q)}`);
  const parts: SQL[] = [];
  const wants = (kind: TargetingKind) =>
    f.only ? f.only.kind === kind : f.kind === undefined || f.kind === kind;
  if (wants("keyword")) {
    parts.push(
      sql`select k.store_id, 'keyword'::text as kind, k.keyword_id as id,
        k.keyword_text as name, k.match_type as match, k.state, k.bid,
        k.campaign_id, k.ad_group_id
      from ad_keywords k
      where k.store_id = any(${ids}::uuid[])
        ${f.campaign ? sql`and k.campaign_id = ${f.campaign}` : sql``}
        ${f.only ? sql`and k.keyword_id = ${f.only.id}` : sql``}`,
    );
  }
  if (wants("target")) {
    parts.push(sql`select t.store_id, 'target'::text as kind, t.target_id as id,
        ${EXPRESSION_TEXT} as name, t.expression_type as match, t.state,
        t.bid, t.campaign_id, t.ad_group_id
      from ad_targets t
      where t.store_id = any(${ids}::uuid[])
        ${f.campaign ? sql`and t.campaign_id = ${f.campaign}` : sql``}
        ${f.only ? sql`and t.target_id = ${f.only.id}` : sql``}`);
  }
  const keys = f.sort === "bid"
    ? { c: sql`trim(p.currency)`, n: sql`coalesce(p.bid, -1)::numeric` }
    : metricSortKeys(f.sort);
  return sql`with
    ${storeSalesWith(ids, f.period.from, f.period.to)},
    m as (
      select store_id, entity_type, entity_id,
        sum(impressions) as impressions, sum(clicks) as clicks,
        sum(spend) as spend, sum(orders) as orders, sum(sales) as sales
      from ad_metrics_daily
      where store_id = any(${ids}::uuid[]) and ${kinds} ${campaign}
        and day between ${f.period.from}::date and ${f.period.to}::date
      group by 1, 2, 3),
    x as (${sql.join(parts, sql` union all `)}),
    q as (
      select x.store_id, x.kind, x.id, x.kind || ':' || x.id as key, x.name,
        x.match, x.state, coalesce(x.bid, g.default_bid) as bid,
        x.bid is null as default_bid, x.campaign_id, c.name as campaign_name,
        c.campaign_type, x.ad_group_id, g.name as ad_group_name,
        trim(c.currency) as currency, pr.marketplace_id,
        coalesce(m.impressions, 0) as impressions,
        coalesce(m.clicks, 0) as clicks, coalesce(m.spend, 0) as spend,
        coalesce(m.orders, 0) as orders, coalesce(m.sales, 0) as sales,
        coalesce(ss.store_sales, 0) as store_sales
      from x
      join ad_campaigns c on c.store_id = x.store_id
        and c.campaign_id = x.campaign_id
      join ad_groups g on g.store_id = x.store_id
        and g.ad_group_id = x.ad_group_id
      join ad_profiles pr on pr.store_id = c.store_id
        and pr.profile_id = c.profile_id
      left join m on m.store_id = x.store_id and m.entity_type = x.kind
        and m.entity_id = x.id
      left join ss on ss.store_id = x.store_id
        and ss.marketplace_id = pr.marketplace_id
        and ss.currency = trim(c.currency)
      ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}),
    r as (select q.*, ${ratioColumns("q")} from q),
    p as (select p.*, ${keys.c} as sort_c, ${keys.n} as sort_n from r p)
  `;
}

interface RawTargeting extends RawFigures {
  store_id: string;
  kind: TargetingKind;
  id: string;
  key: string;
  name: string | null;
  match: string;
  state: AdState;
  bid: string | null;
  default_bid: boolean;
  campaign_id: string;
  campaign_name: string;
  campaign_type: CampaignType;
  ad_group_id: string;
  ad_group_name: string;
  marketplace_id: string;
  sort_c: string;
  sort_n: string;
}

const COLUMNS = sql`p.store_id::text as store_id, p.kind, p.id, p.key, p.name,
  p.match, p.state, p.bid::text as bid, p.default_bid, p.campaign_id,
  p.campaign_name, p.campaign_type, p.ad_group_id, p.ad_group_name,
  p.marketplace_id, ${figureColumns("p")}, p.sort_c, p.sort_n::text as sort_n`;

async function selectBatch(
  tx: Tx,
  f: TargetingFilter,
  cursor: Cursor | null,
  limit: number,
  backward: boolean,
): Promise<RawTargeting[]> {
  const k = keyset("key", f.dir, cursor, backward);
  return rowsOf<RawTargeting>(
    await tx.execute(sql`${targetingWith(f)}
      select ${COLUMNS} from p ${k.where} ${k.order} limit ${limit}`),
  );
}

function toRow(r: RawTargeting): TargetingRow {
  return {
    storeId: r.store_id,
    kind: r.kind,
    id: r.id,
    text: r.name ?? "",
    match: r.match,
    state: r.state,
    bid: money2(r.bid),
    defaultBid: r.default_bid === true,
    campaignId: r.campaign_id,
    campaignName: r.campaign_name,
    campaignType: r.campaign_type,
    adGroupId: r.ad_group_id,
    adGroupName: r.ad_group_name,
    marketplaceId: r.marketplace_id,
    figures: figuresOf(r),
  };
}

const cursorOf = (r: RawTargeting): Cursor => [
  r.sort_c,
  r.sort_n,
  r.store_id,
  r.key,
];

export interface TargetingPage {
  rows: TargetingRow[];
  next: string | null;
  prev: string | null;
}

/** One page of keywords and targets: `after` moves on, `before` back. */
export async function listTargeting(
  db: Database,
  principal: Principal,
  filter: TargetingFilter,
  page: { size: number; after?: string; before?: string },
): Promise<TargetingPage> {
  return await db.asUser(principal, (tx) => listTargetingTx(tx, filter, page));
}

/** The same, inside the caller's scoped transaction. */
export async function listTargetingTx(
  tx: Tx,
  filter: TargetingFilter,
  page: { size: number; after?: string; before?: string },
): Promise<TargetingPage> {
  if (filter.storeIds.length === 0) return { rows: [], next: null, prev: null };
  const after = page.after ? decodeCursor(page.after) : null;
  const before = !after && page.before ? decodeCursor(page.before) : null;
  const backward = before !== null;
  const raw = await selectBatch(
    tx,
    filter,
    after ?? before,
    page.size + 1,
    backward,
  );
  const more = raw.length > page.size;
  if (more) raw.length = page.size;
  if (backward) raw.reverse();
  const first = raw[0];
  const last = raw[raw.length - 1];
  return {
    rows: raw.map(toRow),
    next: last && (backward || more) ? encodeCursor(cursorOf(last)) : null,
    prev: first && (backward ? more : after !== null)
      ? encodeCursor(cursorOf(first))
      : null,
  };
}

/** One keyword's or target's row for the period, or null. */
export async function targetingRow(
  tx: Tx,
  filter: TargetingFilter,
): Promise<TargetingRow | null> {
  const [r] = await selectBatch(tx, filter, null, 1, false);
  return r ? toRow(r) : null;
}

/** An ad group of a campaign with the sum of its keywords and targets. */
export interface AdGroupRow {
  adGroupId: string;
  name: string;
  state: AdState;
  defaultBid: string;
  keywords: number;
  targets: number;
  figures: AdFigures;
}

/** The ad groups of one campaign (the drill-down's middle level). */
export async function campaignAdGroups(
  tx: Tx,
  storeId: string,
  campaignId: string,
  period: Period,
): Promise<AdGroupRow[]> {
  const f: TargetingFilter = {
    storeIds: [storeId],
    campaign: campaignId,
    period,
    sort: "name",
    dir: "asc",
  };
  const rows = rowsOf<
    RawFigures & {
      ad_group_id: string;
      name: string;
      state: AdState;
      default_bid: string;
      keywords: number;
      targets: number;
    }
  >(
    await tx.execute(sql`${targetingWith(f)},
      a as (
        select p.ad_group_id, p.currency,
          count(*) filter (where p.kind = 'keyword')::int as keywords,
          count(*) filter (where p.kind = 'target')::int as targets,
          sum(p.impressions) as impressions, sum(p.clicks) as clicks,
          sum(p.spend) as spend, sum(p.orders) as orders,
          sum(p.sales) as sales, max(p.store_sales) as store_sales
        from p group by 1, 2),
      g as (
        select g.ad_group_id, g.name, g.state, g.default_bid,
          trim(g.currency) as currency,
          coalesce(a.keywords, 0) as keywords,
          coalesce(a.targets, 0) as targets,
          coalesce(a.impressions, 0) as impressions,
          coalesce(a.clicks, 0) as clicks, coalesce(a.spend, 0) as spend,
          coalesce(a.orders, 0) as orders, coalesce(a.sales, 0) as sales,
          (select ss.store_sales from ad_campaigns c
            join ad_profiles pr on pr.store_id = c.store_id
              and pr.profile_id = c.profile_id
            join ss on ss.store_id = c.store_id
              and ss.marketplace_id = pr.marketplace_id
              and ss.currency = trim(c.currency)
            where c.store_id = ${storeId}::uuid
              and c.campaign_id = ${campaignId}) as store_sales
        from ad_groups g
        left join a on a.ad_group_id = g.ad_group_id
        where g.store_id = ${storeId}::uuid and g.campaign_id = ${campaignId}),
      gr as (select g.*, ${ratioColumns("g")} from g)
      select gr.ad_group_id, gr.name, gr.state,
        gr.default_bid::text as default_bid, gr.keywords, gr.targets,
        ${figureColumns("gr")}
      from gr order by gr.spend desc, lower(gr.name), gr.ad_group_id`),
  );
  return rows.map((r) => ({
    adGroupId: r.ad_group_id,
    name: r.name,
    state: r.state,
    defaultBid: money2(r.default_bid) ?? "0.00",
    keywords: Number(r.keywords),
    targets: Number(r.targets),
    figures: figuresOf(r),
  }));
}

/** Every keyword and target of the filtered set, batch by batch. */
export async function walkTargeting(
  db: Database,
  principal: Principal,
  filter: TargetingFilter,
  opts: {
    oneTransaction: boolean;
    batch?: number;
    onBatch(rows: TargetingRow[]): Promise<void>;
  },
): Promise<number> {
  if (filter.storeIds.length === 0) return 0;
  const size = opts.batch ?? 1000;
  let count = 0;
  const loop = async (run: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>) => {
    let cursor: Cursor | null = null;
    for (;;) {
      const raw = await run((tx) =>
        selectBatch(tx, filter, cursor, size, false)
      );
      if (raw.length === 0) return;
      count += raw.length;
      cursor = cursorOf(raw[raw.length - 1]);
      await opts.onBatch(raw.map(toRow));
      if (raw.length < size) return;
    }
  };
  if (opts.oneTransaction) {
    await db.asUser(principal, (tx) => loop((fn) => fn(tx)));
  } else {
    await loop((fn) => db.asUser(principal, fn));
  }
  return count;
}
