// A selling partner of the sandbox: its generated plan, its authorization
// (the app's self-authorization refresh token, the restricted role), and
// its world, built on first use so a sandbox with many sellers starts fast.
import type { GenerateOptions, Region, StorePlan } from "./world/generate.ts";
import {
  buildWorld,
  type SellerTruth,
  sellerTruth,
  type SellerWorld,
  type SettlementDateStyle,
} from "./served_world.ts";
import type { AdsProfile } from "./world/amazon.ts";

/**
 * One seller account.
 *
 * @example
 * const s = sandbox.sellers[0];
 * s.truth().orders.length; // what a full orders sync must end with
 */
export class SandboxSeller {
  readonly index: number;
  readonly plan: StorePlan;
  /** The refresh token of the app's self-authorization. */
  readonly refreshToken: string;
  /** Granted the restricted role (BUYER / RECIPIENT data, RDT PII). */
  restrictedRole: boolean;
  readonly #gen: GenerateOptions;
  readonly #style: SettlementDateStyle;
  readonly #localized: boolean;
  #world?: SellerWorld;

  constructor(init: {
    index: number;
    plan: StorePlan;
    gen: GenerateOptions;
    refreshToken: string;
    restrictedRole: boolean;
    settlementDateStyle: SettlementDateStyle;
    localizedTitles?: boolean;
  }) {
    this.index = init.index;
    this.plan = init.plan;
    this.refreshToken = init.refreshToken;
    this.restrictedRole = init.restrictedRole;
    this.#gen = init.gen;
    this.#style = init.settlementDateStyle;
    this.#localized = init.localizedTitles ?? false;
  }

  /** The selling partner id (merchant token). */
  get sellerId(): string {
    return this.plan.sellerId;
  }

  get region(): Region {
    return this.plan.region;
  }

  /** Marketplaces it sells in; the first is its home marketplace. */
  get marketplaceIds(): string[] {
    return this.plan.marketplaces.map((m) => m.id);
  }

  /** Whether it owns a registered brand (Brand Analytics available). */
  get hasBrand(): boolean {
    return this.plan.brand !== null;
  }

  /** Its Ads profiles, one per marketplace. */
  get adsProfiles(): AdsProfile[] {
    return this.world().adsProfiles;
  }

  /** Everything the sandbox serves for it (built on first use). */
  world(): SellerWorld {
    this.#world ??= buildWorld(this.plan, this.#gen, {
      settlementDateStyle: this.#style,
      localizedTitles: this.#localized,
    });
    return this.#world;
  }

  /** The ground truth: the exact records served, in Amazon's vocabulary. */
  truth(): SellerTruth {
    return sellerTruth(this.plan, this.#gen);
  }
}
