// Ads API profiles (facts §5.4), as GET /v2/profiles answers them
// (`listAdsProfiles` in ads_client.ts). Profile ids exceed 2^53, so they are
// read as strings straight from the JSON text before parsing.
export interface AdsProfile {
  profileId: string;
  countryCode: string;
  currencyCode: string;
  timezone: string;
  accountInfo: {
    marketplaceStringId: string;
    id: string;
    type: string;
    name?: string;
  };
}

/** Quotes bare integer ids so JSON.parse keeps every digit. */
export function parseKeepingIds(text: string): unknown {
  return JSON.parse(
    text.replace(
      /"(profileId|campaignId|adGroupId|keywordId|targetId|portfolioId)"\s*:\s*(-?\d+)/g,
      '"$1":"$2"',
    ),
  );
}
