// Public surface of db/: the client, the schema, and the maintenance functions.
export * from "./client.ts";
export * as schema from "./schema.ts";
