// The secret check every test app runs on dispose does find a leaked link
// token or OAuth code (so its silence elsewhere means something).
import assert from "node:assert/strict";
import { linesWithSecrets } from "../_helpers/app.ts";

const line = (event: string, path: string) =>
  JSON.stringify({ level: "info", event, path });

Deno.test("log secrets: link tokens and OAuth codes are found, route patterns are not", () => {
  const token = "ab".repeat(32);
  assert.deepEqual(
    linesWithSecrets([
      line("http.request", `/auth/setup/${token}`),
      line("http.request", `/auth/first-owner/${token}`),
      line("http.request", "/connect/sp-api/callback?spapi_oauth_code=x1"),
      line("http.request", "/auth/google?code=abc&state=def"),
      line("http.request", "/auth/setup/:token"),
      line("http.request", "/auth/first-owner/:token"),
      line("http.request", "/connect/sp-api/callback"),
    ]),
    ["http.request", "http.request", "http.request", "http.request"],
  );
});
