// drizzle-kit reads this to generate SQL migrations from db/schema.ts.
// Use `deno task db:generate`; never `push`.
export default {
  dialect: "postgresql",
  schema: "./db/schema.ts",
  out: "./db/migrations",
};
