// Ads API profiles (facts §5.4): GET /v2/profiles with the LWA client id and
// a bearer token, no Scope header. Profile ids exceed 2^53, so they are read
// as strings straight from the JSON text before parsing.
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

/** Lists the advertising profiles the token may use. */
export async function listAdsProfiles(opts: {
  baseUrl: string;
  clientId: string;
  accessToken: string;
  fetch?: typeof fetch;
}): Promise<AdsProfile[]> {
  const res = await (opts.fetch ?? fetch)(`${opts.baseUrl}/v2/profiles`, {
    headers: {
      authorization: `Bearer ${opts.accessToken}`,
      "Amazon-Advertising-API-ClientId": opts.clientId,
      accept: "application/json",
    },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`Ads API /v2/profiles answered ${res.status}`);
  return parseKeepingIds(text) as AdsProfile[];
}
