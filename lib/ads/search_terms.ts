// /ads/search-terms (Data Policy §4: keyword analysis): the Brand Analytics
// top search terms where one of the store's own ASINs (its catalog or
// listings) is among the three most clicked, with the term's search
// frequency rank, each own ASIN's click share and conversion share, and the
// keywords the store already bids on for the term (same text, any match
// type, in the same marketplace) — a term without one is an opportunity.
// Brand Analytics is `reports.read` data (lib/security/permissions.ts) and
// bids are `ads.read`: the page needs both (routes/ads.ts, and this module
// refuses without either).
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import type { Permission } from "../security/permissions.ts";
import { type StoreSummary, visibleStoresTx } from "../stores.ts";
import { calendarDate, plainText } from "../validation.ts";
import {
  contains,
  type Cursor,
  decodeCursor,
  encodeCursor,
  keyset,
  money2,
} from "./common.ts";

export const TERM_SORTS = [
  "rank",
  "clickShare",
  "conversionShare",
  "term",
] as const;
export type TermSort = typeof TERM_SORTS[number];
export const TERM_PERIODS = ["WEEK", "MONTH"] as const;

const opt = <T extends z.ZodType>(s: T) =>
  z.union([s, z.literal("")]).optional().transform((v) =>
    v === "" ? undefined : v as z.output<T> | undefined
  );

export const termQuerySchema = z.object({
  marketplace: opt(z.string().regex(/^[A-Z0-9]{6,20}$/)),
  period: opt(z.enum(TERM_PERIODS)).transform((v) => v ?? "WEEK"),
  from: opt(calendarDate()),
  to: opt(calendarDate()),
  q: opt(plainText().trim().max(64)),
  bid: opt(z.enum(["yes", "no"])),
  sort: opt(z.enum(TERM_SORTS)),
  dir: opt(z.enum(["asc", "desc"])),
  size: opt(z.enum(["50", "100", "500"])).transform((v) => Number(v ?? "50")),
  after: opt(z.string().max(800)),
  before: opt(z.string().max(800)),
});
export type TermQuery = z.output<typeof termQuerySchema>;

export interface TermFilter {
  storeIds: readonly string[];
  marketplace?: string;
  periodKind: "WEEK" | "MONTH";
  /** Periods starting in from..to; without, the latest period read. */
  from?: string;
  to?: string;
  q?: string;
  /** Only terms the store bids on (yes), or does not (no). */
  bid?: "yes" | "no";
  sort: TermSort;
  dir: "asc" | "desc";
}

/** The default direction: ranks and terms ascending, shares largest first. */
export const termDefaultDir = (s: TermSort): "asc" | "desc" =>
  s === "rank" || s === "term" ? "asc" : "desc";

export interface OwnAsin {
  asin: string;
  clickShareRank: number;
  clickShare: string;
  conversionShare: string;
}

export interface BidKeyword {
  keywordId: string;
  text: string;
  matchType: string;
  state: string;
  bid: string | null;
  currency: string;
}

export interface TermRow {
  storeId: string;
  marketplaceId: string;
  periodStart: string;
  periodEnd: string;
  searchTerm: string;
  department: string;
  searchFrequencyRank: number;
  asins: OwnAsin[];
  /** The own ASINs' click and conversion shares summed (percent). */
  clickShare: string;
  conversionShare: string;
  keywords: BidKeyword[];
}

export interface TermPage {
  rows: TermRow[];
  next: string | null;
  prev: string | null;
}

/** Refused: Brand Analytics needs reports.read besides ads.read. */
export class SearchTermsForbidden extends Error {
  constructor() {
    super("forbidden");
  }
}

function termsWith(f: TermFilter): SQL {
  const ids = `{${f.storeIds.join(",")}}`;
  const market = f.marketplace
    ? sql`and s.marketplace_id = ${f.marketplace}`
    : sql``;
  const when = f.from || f.to
    ? sql`and s.period_start between ${f.from ?? "1900-01-01"}::date
        and ${f.to ?? "9999-12-31"}::date`
    : sql`and s.period_start = (select max(x.period_start) from search_terms x
        where x.store_id = s.store_id and x.marketplace_id = s.marketplace_id
          and x.report_period = ${f.periodKind})`;
  const where: SQL[] = [];
  if (f.q) where.push(sql`p.search_term ilike ${contains(f.q)}`);
  if (f.bid === "yes") where.push(sql`jsonb_array_length(p.keywords) > 0`);
  if (f.bid === "no") where.push(sql`jsonb_array_length(p.keywords) = 0`);
  const keys: Record<TermSort, { c: SQL; n: SQL }> = {
    rank: { c: sql`''::text`, n: sql`p.sfr::numeric` },
    clickShare: { c: sql`''::text`, n: sql`p.click_share` },
    conversionShare: { c: sql`''::text`, n: sql`p.conversion_share` },
    term: { c: sql`p.search_term`, n: sql`0::numeric` },
  };
  return sql`with
    s as (
      select s.* from search_terms s
      where s.store_id = any(${ids}::uuid[])
        and s.report_period = ${f.periodKind} ${market} ${when}
        and (exists (select 1 from listings l where l.store_id = s.store_id
              and l.asin = s.clicked_asin)
          or exists (select 1 from products pr where pr.store_id = s.store_id
              and pr.asin = s.clicked_asin))),
    g as (
      select s.store_id, s.marketplace_id, s.period_start, s.period_end,
        s.search_term, min(s.department_name) as department,
        min(s.search_frequency_rank) as sfr,
        sum(s.click_share) as click_share,
        sum(s.conversion_share) as conversion_share,
        jsonb_agg(jsonb_build_object('asin', s.clicked_asin,
          'rank', s.click_share_rank, 'click', s.click_share::text,
          'conv', s.conversion_share::text) order by s.click_share_rank)
          as asins
      from s group by 1, 2, 3, 4, 5),
    t as (
      select g.*, g.marketplace_id || '|' || g.period_start::text || '|'
          || g.search_term as key,
        coalesce((select jsonb_agg(jsonb_build_object('id', k.keyword_id,
            'text', k.keyword_text, 'match', k.match_type, 'state', k.state,
            'bid', coalesce(k.bid, ag.default_bid)::text,
            'currency', trim(k.currency)) order by k.match_type, k.keyword_id)
          from ad_keywords k
          join ad_campaigns c on c.store_id = k.store_id
            and c.campaign_id = k.campaign_id
          join ad_profiles pr on pr.store_id = c.store_id
            and pr.profile_id = c.profile_id
          join ad_groups ag on ag.store_id = k.store_id
            and ag.ad_group_id = k.ad_group_id
          where k.store_id = g.store_id
            and lower(k.keyword_text) = lower(g.search_term)
            and pr.marketplace_id = g.marketplace_id), '[]'::jsonb)
          as keywords
      from g),
    p as (select p.*, ${keys[f.sort].c} as sort_c, ${keys[f.sort].n} as sort_n
      from t p ${
    where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``
  })
  `;
}

interface RawTerm {
  store_id: string;
  marketplace_id: string;
  period_start: string;
  period_end: string;
  search_term: string;
  department: string;
  sfr: number;
  click_share: string;
  conversion_share: string;
  asins: unknown;
  keywords: unknown;
  key: string;
  sort_c: string;
  sort_n: string;
}

const json = <T>(v: unknown): T =>
  (typeof v === "string" ? JSON.parse(v) : v) as T;

function toRow(r: RawTerm): TermRow {
  return {
    storeId: r.store_id,
    marketplaceId: r.marketplace_id,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    searchTerm: r.search_term,
    department: r.department,
    searchFrequencyRank: Number(r.sfr),
    asins: json<
      { asin: string; rank: number; click: string; conv: string }[]
    >(r.asins).map((a) => ({
      asin: a.asin,
      clickShareRank: Number(a.rank),
      clickShare: a.click,
      conversionShare: a.conv,
    })),
    clickShare: r.click_share,
    conversionShare: r.conversion_share,
    keywords: json<
      {
        id: string;
        text: string;
        match: string;
        state: string;
        bid: string | null;
        currency: string;
      }[]
    >(r.keywords).map((k) => ({
      keywordId: k.id,
      text: k.text,
      matchType: k.match,
      state: k.state,
      bid: money2(k.bid),
      currency: k.currency,
    })),
  };
}

async function selectBatch(
  tx: Tx,
  f: TermFilter,
  cursor: Cursor | null,
  limit: number,
  backward: boolean,
): Promise<RawTerm[]> {
  const k = keyset("key", f.dir, cursor, backward);
  return rowsOf<RawTerm>(
    await tx.execute(sql`${termsWith(f)}
      select p.store_id::text as store_id, p.marketplace_id,
        p.period_start::text as period_start, p.period_end::text as period_end,
        p.search_term, p.department, p.sfr, p.click_share::text as click_share,
        p.conversion_share::text as conversion_share, p.asins, p.keywords,
        p.key, p.sort_c, p.sort_n::text as sort_n
      from p ${k.where} ${k.order} limit ${limit}`),
  );
}

export interface TermsScreen {
  stores: StoreSummary[];
  page: TermPage;
}

/**
 * A page of search terms (and the switcher's stores). Refused without
 * both `ads.read` and `reports.read`.
 */
export async function searchTermsScreen(
  db: Database,
  principal: Principal & { permissions: ReadonlySet<Permission> },
  filter: TermFilter,
  page: { size: number; after?: string; before?: string },
): Promise<TermsScreen> {
  if (
    !principal.permissions.has("ads.read") ||
    !principal.permissions.has("reports.read")
  ) throw new SearchTermsForbidden();
  const after = page.after ? decodeCursor(page.after) : null;
  const before = !after && page.before ? decodeCursor(page.before) : null;
  const backward = before !== null;
  return await db.asUser(principal, async (tx) => {
    const stores = await visibleStoresTx(tx);
    if (filter.storeIds.length === 0) {
      return { stores, page: { rows: [], next: null, prev: null } };
    }
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
    const cursorOf = (r: RawTerm): Cursor => [
      r.sort_c,
      r.sort_n,
      r.store_id,
      r.key,
    ];
    return {
      stores,
      page: {
        rows: raw.map(toRow),
        next: last && (backward || more) ? encodeCursor(cursorOf(last)) : null,
        prev: first && (backward ? more : after !== null)
          ? encodeCursor(cursorOf(first))
          : null,
      },
    };
  });
}
