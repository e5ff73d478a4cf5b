// Amazon's facts about every current marketplace (docs/amazon-facts.md §2.2,
// §3.1, §5.4): its id, country, region endpoint, Seller Central host,
// currency and default time zone. The portal registers stores, builds
// consent URLs and resolves currencies from this table only; the sandbox
// keeps its own reference data (sandbox/world/reference.ts) so a wrong fact
// here cannot hide behind the same wrong fact there.
// tests/amazon/marketplaces_test.ts compares it with Amazon's official
// marketplace id table.
import type { Region } from "./endpoints.ts";

export type { Region } from "./endpoints.ts";

/** One Amazon marketplace, as Amazon describes it. */
export interface AmazonMarketplace {
  /** The marketplace id, e.g. `ATVPDKIKX0DER`. */
  id: string;
  /** The country as Amazon's marketplace id table names it. */
  name: string;
  /** ISO 3166-1 alpha-2 country code (`GB` for the United Kingdom). */
  countryCode: string;
  /** The code in Amazon's marketplace id table (`UK` for the United Kingdom). */
  amazonCode: string;
  /** The SP-API region whose endpoint serves it. */
  region: Region;
  /** The storefront's domain, e.g. `amazon.co.uk`. */
  domain: string;
  /** The sales channel as orders and reports write it, e.g. `Amazon.co.uk`. */
  salesChannel: string;
  /** Seller Central's host for the consent page, e.g. `sellercentral.amazon.de`. */
  sellerCentralHost: string;
  /** ISO 4217 currency of its prices. */
  currency: string;
  /** Its default time zone (the Ads profile time zone). */
  timeZone: string;
  /**
   * Prices include VAT or GST (the order's item tax is the included part),
   * rather than sales tax being added on top.
   */
  taxInclusive: boolean;
}

const m = (
  id: string,
  name: string,
  countryCode: string,
  region: Region,
  domain: string,
  sellerCentralHost: string,
  currency: string,
  timeZone: string,
  taxInclusive: boolean,
  amazonCode = countryCode,
): AmazonMarketplace => ({
  id,
  name,
  countryCode,
  amazonCode,
  region,
  domain,
  salesChannel: `Amazon.${domain.slice("amazon.".length)}`,
  sellerCentralHost,
  currency,
  timeZone,
  taxInclusive,
});

/** Every current marketplace, by region (the most used first in each). */
export const AMAZON_MARKETPLACES: readonly AmazonMarketplace[] = [
  // North America: sellingpartnerapi-na.amazon.com
  m(
    "ATVPDKIKX0DER",
    "United States of America",
    "US",
    "NA",
    "amazon.com",
    "sellercentral.amazon.com",
    "USD",
    "America/Los_Angeles",
    false,
  ),
  m(
    "A2EUQ1WTGCTBG2",
    "Canada",
    "CA",
    "NA",
    "amazon.ca",
    "sellercentral.amazon.ca",
    "CAD",
    "America/Los_Angeles",
    false,
  ),
  m(
    "A1AM78C64UM0Y8",
    "Mexico",
    "MX",
    "NA",
    "amazon.com.mx",
    "sellercentral.amazon.com.mx",
    "MXN",
    "America/Los_Angeles",
    false,
  ),
  m(
    "A2Q3Y263D00KWC",
    "Brazil",
    "BR",
    "NA",
    "amazon.com.br",
    "sellercentral.amazon.com.br",
    "BRL",
    "America/Sao_Paulo",
    true,
  ),
  // Europe, with the Middle East, India and Africa: sellingpartnerapi-eu
  m(
    "A1F83G8C2ARO7P",
    "United Kingdom",
    "GB",
    "EU",
    "amazon.co.uk",
    "sellercentral.amazon.co.uk",
    "GBP",
    "Europe/London",
    true,
    "UK",
  ),
  m(
    "A1PA6795UKMFR9",
    "Germany",
    "DE",
    "EU",
    "amazon.de",
    "sellercentral.amazon.de",
    "EUR",
    "Europe/Paris",
    true,
  ),
  m(
    "A13V1IB3VIYZZH",
    "France",
    "FR",
    "EU",
    "amazon.fr",
    "sellercentral.amazon.fr",
    "EUR",
    "Europe/Paris",
    true,
  ),
  m(
    "APJ6JRA9NG5V4",
    "Italy",
    "IT",
    "EU",
    "amazon.it",
    "sellercentral.amazon.it",
    "EUR",
    "Europe/Paris",
    true,
  ),
  m(
    "A1RKKUPIHCS9HS",
    "Spain",
    "ES",
    "EU",
    "amazon.es",
    "sellercentral.amazon.es",
    "EUR",
    "Europe/Paris",
    true,
  ),
  m(
    "A1805IZSGTT6HS",
    "Netherlands",
    "NL",
    "EU",
    "amazon.nl",
    "sellercentral.amazon.nl",
    "EUR",
    "Europe/Amsterdam",
    true,
  ),
  m(
    "A2NODRKZP88ZB9",
    "Sweden",
    "SE",
    "EU",
    "amazon.se",
    "sellercentral.amazon.se",
    "SEK",
    "Europe/Stockholm",
    true,
  ),
  m(
    "A1C3SOZRARQ6R3",
    "Poland",
    "PL",
    "EU",
    "amazon.pl",
    "sellercentral.amazon.pl",
    "PLN",
    "Europe/Warsaw",
    true,
  ),
  m(
    "AMEN7PMS3EDWL",
    "Belgium",
    "BE",
    "EU",
    "amazon.com.be",
    "sellercentral.amazon.com.be",
    "EUR",
    "Europe/Brussels",
    true,
  ),
  m(
    "A28R8C7NBKEWEA",
    "Ireland",
    "IE",
    "EU",
    "amazon.ie",
    "sellercentral.amazon.ie",
    "EUR",
    "Europe/Dublin",
    true,
  ),
  m(
    "A33AVAJ2PDY3EV",
    "Turkey",
    "TR",
    "EU",
    "amazon.com.tr",
    "sellercentral.amazon.com.tr",
    "TRY",
    "Europe/Istanbul",
    true,
  ),
  m(
    "ARBP9OOSHTCHU",
    "Egypt",
    "EG",
    "EU",
    "amazon.eg",
    "sellercentral.amazon.eg",
    "EGP",
    "Africa/Cairo",
    true,
  ),
  m(
    "A17E79C6D8DWNP",
    "Saudi Arabia",
    "SA",
    "EU",
    "amazon.sa",
    "sellercentral.amazon.sa",
    "SAR",
    "Asia/Riyadh",
    true,
  ),
  m(
    "A2VIGQ35RCS4UG",
    "United Arab Emirates",
    "AE",
    "EU",
    "amazon.ae",
    "sellercentral.amazon.ae",
    "AED",
    "Asia/Dubai",
    true,
  ),
  m(
    "A21TJRUUN4KGV",
    "India",
    "IN",
    "EU",
    "amazon.in",
    "sellercentral.amazon.in",
    "INR",
    "Asia/Kolkata",
    true,
  ),
  m(
    "AE08WJ6YKNBMC",
    "South Africa",
    "ZA",
    "EU",
    "amazon.co.za",
    "sellercentral.amazon.co.za",
    "ZAR",
    "Africa/Johannesburg",
    true,
  ),
  // Far East: sellingpartnerapi-fe.amazon.com
  m(
    "A1VC38T7YXB528",
    "Japan",
    "JP",
    "FE",
    "amazon.co.jp",
    "sellercentral.amazon.co.jp",
    "JPY",
    "Asia/Tokyo",
    true,
  ),
  m(
    "A39IBJ37TRP1C6",
    "Australia",
    "AU",
    "FE",
    "amazon.com.au",
    "sellercentral.amazon.com.au",
    "AUD",
    "Australia/Sydney",
    true,
  ),
  m(
    "A19VAU5U5O7RUS",
    "Singapore",
    "SG",
    "FE",
    "amazon.sg",
    "sellercentral.amazon.sg",
    "SGD",
    "Asia/Singapore",
    true,
  ),
];

const BY_ID = new Map(AMAZON_MARKETPLACES.map((x) => [x.id, x]));

/** The marketplace with id `id`, or undefined for an id Amazon does not use. */
export function marketplaceById(id: string): AmazonMarketplace | undefined {
  return BY_ID.get(id);
}

/**
 * The marketplace of a country, by ISO code or by the code of Amazon's table
 * (`GB` and `UK` both give the United Kingdom).
 */
export function marketplaceByCountry(
  code: string,
): AmazonMarketplace | undefined {
  const c = code.toUpperCase();
  return AMAZON_MARKETPLACES.find((x) =>
    x.countryCode === c || x.amazonCode === c
  );
}

/** The currency a marketplace prices in, or null for an unknown id. */
export function marketplaceCurrency(id: string): string | null {
  return BY_ID.get(id)?.currency ?? null;
}

/** The marketplaces each region's endpoint serves. */
export const REGION_MARKETPLACES: Readonly<
  Record<Region, readonly AmazonMarketplace[]>
> = {
  NA: AMAZON_MARKETPLACES.filter((x) => x.region === "NA"),
  EU: AMAZON_MARKETPLACES.filter((x) => x.region === "EU"),
  FE: AMAZON_MARKETPLACES.filter((x) => x.region === "FE"),
};
