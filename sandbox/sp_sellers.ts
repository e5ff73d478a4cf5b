// Sellers API v1: getMarketplaceParticipations, the call a client makes
// first to learn which marketplaces an authorization covers.
import type { Hono } from "hono";
import { json } from "./_http.ts";
import type { SandboxEnv } from "./env.ts";
import { spRoute } from "./sp_route.ts";

const LANGUAGE: Record<string, string> = {
  US: "en_US",
  CA: "en_CA",
  MX: "es_MX",
  GB: "en_GB",
  DE: "de_DE",
  FR: "fr_FR",
  IT: "it_IT",
  ES: "es_ES",
  JP: "ja_JP",
  AU: "en_AU",
  SG: "en_SG",
};

/** Registers GET /sellers/v1/marketplaceParticipations. */
export function sellersRoutes(app: Hono, env: SandboxEnv): void {
  spRoute(app, env, "getMarketplaceParticipations", ({ seller }) =>
    json(200, {
      payload: seller.plan.marketplaces.map((m) => ({
        marketplace: {
          id: m.id,
          name: m.name,
          countryCode: m.countryCode,
          defaultCurrencyCode: m.currency,
          defaultLanguageCode: LANGUAGE[m.countryCode] ?? "en_US",
          domainName: `www.${m.domain}`,
        },
        participation: { isParticipating: true, hasSuspendedListings: false },
        storeName: seller.plan.name,
      })),
    }));
}
