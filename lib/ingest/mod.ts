// The write paths for every data category (Data Policy §3), shared by the
// sync engine and the data generator. Each function runs inside a scoped
// transaction (Database.asJob / asUser), so row-level security decides which
// store's rows it may write (§5), and upserts on the table's primary key.
export * from "./_upsert.ts";
export * from "./ads.ts";
export * from "./buyer_pii.ts";
export * from "./catalog.ts";
export * from "./finance.ts";
export * from "./inventory.ts";
export * from "./money.ts";
export * from "./ops.ts";
export * from "./orders.ts";
export * from "./returns.ts";
export * from "./sales_traffic.ts";
export * from "./search_terms.ts";
export * from "./text.ts";
