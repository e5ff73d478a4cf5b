// Every dataset the sync engine knows, in the order a full sync runs them
// (catalog before the data that refers to its SKUs and ASINs; ads entities
// before their metrics).
import type { Dataset } from "../dataset.ts";
import { adsEntitiesDataset } from "./ads_entities.ts";
import { adsMetricsDataset } from "./ads_metrics.ts";
import { catalogDataset } from "./catalog.ts";
import { financialEventsDataset } from "./financial_events.ts";
import { inventoryDataset } from "./inventory.ts";
import { ordersDataset } from "./orders.ts";
import { returnsDataset } from "./returns.ts";
import { salesTrafficDataset } from "./sales_traffic.ts";
import { searchTermsDataset } from "./search_terms.ts";
import { settlementsDataset } from "./settlements.ts";

export const DATASETS: readonly Dataset[] = [
  catalogDataset,
  inventoryDataset,
  ordersDataset,
  returnsDataset,
  salesTrafficDataset,
  settlementsDataset,
  financialEventsDataset,
  searchTermsDataset,
  adsEntitiesDataset,
  adsMetricsDataset,
];

/** Datasets by name. */
export const DATASETS_BY_NAME: ReadonlyMap<string, Dataset> = new Map(
  DATASETS.map((d) => [d.name, d]),
);
