// Data Policy §11: the codes a provider's entry is made of. The views put
// each into words in both languages (views/providers/messages.ts).

/** What the provider does for the company. */
export const SERVICES = [
  "hosting",
  "database",
  "backups",
  "email",
  "security_monitoring",
  "other",
] as const;
export type Service = typeof SERVICES[number];

/** The categories of data a provider may process (Data Policy §3). */
export const DATA_CATEGORIES = [
  "seller_account",
  "catalog_inventory",
  "orders",
  "buyer_pii",
  "advertising",
  "finance",
  "logs",
  "staff_accounts",
  "requesters",
] as const;
export type DataCategory = typeof DATA_CATEGORIES[number];

/** How data reaching the provider is protected in transfer. */
export const SAFEGUARDS = [
  "encrypted_transmission",
  "encrypted_at_rest",
  "sccs",
  "china_standard_contract",
  "same_region",
] as const;
export type Safeguard = typeof SAFEGUARDS[number];
