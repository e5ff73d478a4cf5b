// Amazon's hosts (facts §1.1, §2.2, §3.1, §5.2). AMAZON_BASE_URL points every
// one of them at one base instead: the sandbox marketplace, which serves
// Amazon's own paths, so nothing else in the clients changes.
import { marketplaceByCountry } from "./marketplaces.ts";

export type Region = "NA" | "EU" | "FE";

const SP_API: Record<Region, string> = {
  NA: "https://sellingpartnerapi-na.amazon.com",
  EU: "https://sellingpartnerapi-eu.amazon.com",
  FE: "https://sellingpartnerapi-fe.amazon.com",
};
const ADS: Record<Region, string> = {
  NA: "https://advertising-api.amazon.com",
  EU: "https://advertising-api-eu.amazon.com",
  FE: "https://advertising-api-fe.amazon.com",
};

export interface AmazonEndpoints {
  lwaTokenUrl: string;
  spApi(region: Region): string;
  ads(region: Region): string;
  /** Seller Central base for a marketplace country (consent pages). */
  sellerCentral(countryCode: string): string;
  /** The Login with Amazon grant page for the Ads API, by region. */
  adsConsent(region: Region): string;
}

const ADS_CONSENT: Record<Region, string> = {
  NA: "https://www.amazon.com/ap/oa",
  EU: "https://eu.account.amazon.com/ap/oa",
  FE: "https://apac.account.amazon.com/ap/oa",
};

/** Real hosts, or every host at `baseUrl` (the sandbox). */
export function amazonEndpoints(baseUrl?: string): AmazonEndpoints {
  if (baseUrl) {
    const base = baseUrl.replace(/\/+$/, "");
    return {
      lwaTokenUrl: `${base}/auth/o2/token`,
      spApi: () => base,
      ads: () => base,
      sellerCentral: () => base,
      adsConsent: () => `${base}/ap/oa`,
    };
  }
  return {
    lwaTokenUrl: "https://api.amazon.com/auth/o2/token",
    spApi: (r) => SP_API[r],
    ads: (r) => ADS[r],
    sellerCentral: (cc) =>
      `https://${
        marketplaceByCountry(cc)?.sellerCentralHost ??
          "sellercentral.amazon.com"
      }`,
    adsConsent: (r) => ADS_CONSENT[r],
  };
}
