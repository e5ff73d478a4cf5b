// The country code a marketplace id stands for, for the advertising screens'
// profile labels (routes never reach lib/amazon/ themselves).
import { AMAZON_MARKETPLACES } from "../amazon/marketplaces.ts";

const COUNTRY = new Map(AMAZON_MARKETPLACES.map((m) => [m.id, m.countryCode]));

/** The marketplace's country code, or the id itself when it is not known. */
export function marketplaceCountry(marketplaceId: string): string {
  return COUNTRY.get(marketplaceId) ?? marketplaceId;
}
