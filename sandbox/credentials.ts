// Obviously fake, deterministic credentials: the same seed gives the same
// client id, secret and refresh tokens on every run, so a demo database
// that stored them keeps working across restarts. They follow Amazon's
// formats (facts §1.6) with "sandbox" in them so no one mistakes them for
// real ones.
import { hashSeed } from "./world/random.ts";

/** `n` hex characters derived from `text`. */
export function stableHex(text: string, n: number): string {
  let out = "";
  for (let i = 0; out.length < n; i++) {
    out += hashSeed(`${text}#${i}`).map((w) => w.toString(16).padStart(8, "0"))
      .join("");
  }
  return out.slice(0, n);
}

/** The app's client id, secret and application id for a seed. */
export function appCredentials(seed: string) {
  return {
    clientId: `amzn1.application-oa2-client.sandbox${
      stableHex(`${seed}/client`, 25)
    }`,
    clientSecret: `amzn1.oa2-cs.v1.sandbox${stableHex(`${seed}/secret`, 57)}`,
    applicationId: `amzn1.sp.solution.sandbox-${stableHex(`${seed}/app`, 28)}`,
  };
}

/** The self-authorization refresh token of seller `index`. */
export function sellerRefreshToken(seed: string, index: number): string {
  return `Atzr|sandbox-${stableHex(`${seed}/refresh/${index}`, 64)}`;
}

/** What a client needs to talk to the sandbox as one seller. */
export interface SandboxCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  sellingPartnerId: string;
  marketplaceId: string;
  adsProfileId: string;
}
