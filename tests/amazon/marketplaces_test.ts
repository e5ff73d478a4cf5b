// lib/amazon/marketplaces.ts against Amazon's official marketplace id table
// (developer-docs.amazon.com/sp-api/docs/marketplace-ids, docs/amazon-facts.md
// §3.1), written out here as data; and a store in any marketplace can be
// registered, with its currency resolved.
import assert from "node:assert/strict";
import {
  AMAZON_MARKETPLACES,
  marketplaceByCountry,
  marketplaceById,
  marketplaceCurrency,
  REGION_MARKETPLACES,
} from "../../lib/amazon/marketplaces.ts";
import { amazonEndpoints } from "../../lib/amazon/endpoints.ts";
import { getStoreDetail, registerOwnStore } from "../../lib/stores.ts";
import { marketplaceCurrency as orderCurrency } from "../../lib/sync/datasets/orders_map.ts";
import { openTestDatabase } from "../_helpers/test_db.ts";

/** The official table: region, country, marketplace id, country code. */
const OFFICIAL: readonly [string, string, string, string][] = [
  ["NA", "Canada", "A2EUQ1WTGCTBG2", "CA"],
  ["NA", "United States of America", "ATVPDKIKX0DER", "US"],
  ["NA", "Mexico", "A1AM78C64UM0Y8", "MX"],
  ["NA", "Brazil", "A2Q3Y263D00KWC", "BR"],
  ["EU", "Ireland", "A28R8C7NBKEWEA", "IE"],
  ["EU", "Spain", "A1RKKUPIHCS9HS", "ES"],
  ["EU", "United Kingdom", "A1F83G8C2ARO7P", "UK"],
  ["EU", "France", "A13V1IB3VIYZZH", "FR"],
  ["EU", "Belgium", "AMEN7PMS3EDWL", "BE"],
  ["EU", "Netherlands", "A1805IZSGTT6HS", "NL"],
  ["EU", "Germany", "A1PA6795UKMFR9", "DE"],
  ["EU", "Italy", "APJ6JRA9NG5V4", "IT"],
  ["EU", "Sweden", "A2NODRKZP88ZB9", "SE"],
  ["EU", "South Africa", "AE08WJ6YKNBMC", "ZA"],
  ["EU", "Poland", "A1C3SOZRARQ6R3", "PL"],
  ["EU", "Egypt", "ARBP9OOSHTCHU", "EG"],
  ["EU", "Turkey", "A33AVAJ2PDY3EV", "TR"],
  ["EU", "Saudi Arabia", "A17E79C6D8DWNP", "SA"],
  ["EU", "United Arab Emirates", "A2VIGQ35RCS4UG", "AE"],
  ["EU", "India", "A21TJRUUN4KGV", "IN"],
  ["FE", "Singapore", "A19VAU5U5O7RUS", "SG"],
  ["FE", "Australia", "A39IBJ37TRP1C6", "AU"],
  ["FE", "Japan", "A1VC38T7YXB528", "JP"],
];

/** Each country's currency (ISO 4217), independent of the module. */
const CURRENCY: Record<string, string> = {
  CA: "CAD",
  US: "USD",
  MX: "MXN",
  BR: "BRL",
  IE: "EUR",
  ES: "EUR",
  UK: "GBP",
  FR: "EUR",
  BE: "EUR",
  NL: "EUR",
  DE: "EUR",
  IT: "EUR",
  SE: "SEK",
  ZA: "ZAR",
  PL: "PLN",
  EG: "EGP",
  TR: "TRY",
  SA: "SAR",
  AE: "AED",
  IN: "INR",
  SG: "SGD",
  AU: "AUD",
  JP: "JPY",
};

Deno.test("marketplaces: exactly Amazon's official marketplace id table", () => {
  assert.deepEqual(
    AMAZON_MARKETPLACES.map((m) => [m.region, m.name, m.id, m.amazonCode])
      .sort(),
    [...OFFICIAL].sort(),
  );
  for (const [, , id, code] of OFFICIAL) {
    const m = marketplaceById(id)!;
    assert.equal(marketplaceByCountry(code), m, code);
    assert.equal(m.countryCode, code === "UK" ? "GB" : code);
    assert.equal(m.currency, CURRENCY[code], `${code} currency`);
  }
  assert.equal(marketplaceById("A0NOTAMARKET"), undefined);
  assert.equal(marketplaceByCountry("GB")?.id, "A1F83G8C2ARO7P");
});

Deno.test("marketplaces: region, hosts and time zones are well-formed", () => {
  const regions = Object.entries(REGION_MARKETPLACES).flatMap(([r, list]) =>
    list.map((m) => [r, m.id])
  );
  assert.equal(regions.length, OFFICIAL.length);
  const live = amazonEndpoints();
  for (const m of AMAZON_MARKETPLACES) {
    assert.ok(REGION_MARKETPLACES[m.region].includes(m));
    assert.match(m.sellerCentralHost, /^sellercentral\.amazon\.[a-z.]+$/);
    assert.equal(
      m.sellerCentralHost.slice("sellercentral.".length),
      m.domain,
      `${m.amazonCode}: Seller Central sits on the storefront's domain`,
    );
    assert.equal(
      live.sellerCentral(m.countryCode),
      `https://${m.sellerCentralHost}`,
    );
    assert.equal(
      live.sellerCentral(m.amazonCode),
      `https://${m.sellerCentralHost}`,
    );
    assert.equal(m.salesChannel.toLowerCase(), m.domain);
    // A time zone the runtime knows (throws a RangeError otherwise).
    new Intl.DateTimeFormat("en", { timeZone: m.timeZone });
    assert.match(m.timeZone, /^[A-Z][a-z]+\/[A-Za-z_]+$/);
  }
  assert.equal(
    live.spApi(marketplaceById("A2Q3Y263D00KWC")!.region),
    "https://sellingpartnerapi-na.amazon.com",
  );
  assert.equal(
    live.spApi(marketplaceById("AE08WJ6YKNBMC")!.region),
    "https://sellingpartnerapi-eu.amazon.com",
  );
  assert.equal(
    live.spApi(marketplaceById("A19VAU5U5O7RUS")!.region),
    "https://sellingpartnerapi-fe.amazon.com",
  );
});

Deno.test("marketplaces: a store in every marketplace registers and its currencies resolve", async () => {
  await using t = await openTestDatabase();
  const actor = { userId: crypto.randomUUID(), storeIds: [] as string[] };
  for (const [i, region] of (["NA", "EU", "FE"] as const).entries()) {
    const ids = REGION_MARKETPLACES[region].map((m) => m.id);
    const storeId = await registerOwnStore(t.db, actor, {
      sellerId: `A${"MARKETPLACE"}${i}X`,
      region,
      name: `Every ${region} marketplace`,
      marketplaceIds: ids,
    });
    const detail = await getStoreDetail(t.db, {
      userId: actor.userId,
      storeIds: [storeId],
    }, storeId);
    assert.ok(detail);
    assert.deepEqual(
      detail.marketplaces.map((m) => [m.marketplaceId, m.defaultCurrency])
        .sort(),
      ids.map((id) => [id, marketplaceCurrency(id)]).sort(),
    );
    for (const id of ids) {
      const code = OFFICIAL.find((o) => o[2] === id)![3];
      assert.equal(orderCurrency(id), CURRENCY[code], code);
    }
  }
});
