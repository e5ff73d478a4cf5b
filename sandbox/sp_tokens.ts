// Tokens API 2021-03-01: createRestrictedDataToken (facts §4.3). An RDT is
// bound to the resources it names (generic `/orders/v0/orders` or a
// specific order path) and lasts an hour. As Amazon does for an app
// without the PII role, the token is issued anyway and the calls it
// authorizes simply carry no buyer data.
import type { Hono } from "hono";
import type { RestrictedResource } from "./auth.ts";
import { invalidInput, json } from "./_http.ts";
import type { SandboxEnv } from "./env.ts";
import { spRoute } from "./sp_route.ts";

/** Paths (and their sub-paths) an RDT may be requested for. */
const RESTRICTED = [
  /^\/orders\/v0\/orders(\/[^/]+(\/(orderItems|address|buyerInfo|orderItems\/buyerInfo|regulatedInfo))?)?$/,
  /^\/orders\/2026-01-01\/orders(\/[^/]+)?$/,
  /^\/mfn\/v0\/shipments\/[^/]+$/,
  /^\/fba\/outbound\/2020-07-01\/fulfillmentOrders(\/[^/]+)?$/,
  /^\/reports\/2021-06-30\/documents\/[^/]+$/,
];
const METHODS = new Set(["GET", "PUT", "POST", "DELETE"]);

/** Registers POST /tokens/2021-03-01/restrictedDataToken. */
export function tokensRoutes(app: Hono, env: SandboxEnv): void {
  spRoute(app, env, "createRestrictedDataToken", ({ body, grant }) => {
    const b = body as Record<string, unknown>;
    const list = b.restrictedResources;
    if (!Array.isArray(list) || list.length === 0 || list.length > 50) {
      return invalidInput(
        "Invalid Input",
        "restrictedResources must list 1 to 50 resources.",
      );
    }
    const resources: RestrictedResource[] = [];
    for (const r of list) {
      const method = typeof r?.method === "string" ? r.method : "";
      const path = typeof r?.path === "string" ? r.path : "";
      if (!METHODS.has(method)) {
        return invalidInput("Invalid Input", `Invalid method ${method}.`);
      }
      if (!RESTRICTED.some((re) => re.test(path))) {
        return invalidInput(
          "Invalid Input",
          `${path} is not a restricted operation path.`,
        );
      }
      const elements = r.dataElements;
      if (
        elements !== undefined &&
        (!Array.isArray(elements) ||
          elements.some((e: unknown) =>
            !["buyerInfo", "shippingAddress", "buyerTaxInformation"].includes(
              String(e),
            )
          ))
      ) {
        return invalidInput(
          "Invalid Input",
          "dataElements may hold buyerInfo, shippingAddress and buyerTaxInformation.",
        );
      }
      resources.push({ method, path, dataElements: elements });
    }
    const rdt = env.auth.issueRdt(grant, resources);
    return json(200, { restrictedDataToken: rdt.token, expiresIn: 3600 });
  });
}
