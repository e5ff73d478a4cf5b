// Every dataset the sync engine knows, in the order a full sync runs them
// (catalog before the data that refers to its SKUs and ASINs).
import type { Dataset } from "../dataset.ts";
import { inventoryDataset } from "./inventory.ts";

export const DATASETS: readonly Dataset[] = [
  inventoryDataset,
];

/** Datasets by name. */
export const DATASETS_BY_NAME: ReadonlyMap<string, Dataset> = new Map(
  DATASETS.map((d) => [d.name, d]),
);
