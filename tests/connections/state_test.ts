// The OAuth state of both Amazon grants (issue #11): a callback presented
// from another session, by another user or for the other API is refused and
// leaves the state alone, so the rightful admin's callback still works once.
import assert from "node:assert/strict";
import { issueState, takeState } from "../../lib/connections/authorize.ts";

const ADMIN = "00000000-0000-4000-8000-0000000000a1";
const OTHER = "00000000-0000-4000-8000-0000000000a2";

Deno.test("oauth state: a foreign callback does not use it up; the rightful one does, once", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const pending = {
      storeId: "00000000-0000-4000-8000-0000000000b1",
      appId: "00000000-0000-4000-8000-0000000000c1",
      userId: ADMIN,
      session: "s1",
      redirectUri: "http://127.0.0.1:8000/connect/ads/callback",
      api: "ads" as const,
    };
    const state = await issueState(kv, pending);
    const refused = [
      { userId: ADMIN, session: "s2", api: "ads" as const },
      { userId: OTHER, session: "s1", api: "ads" as const },
      { userId: ADMIN, session: "s1", api: "sp-api" as const },
    ];
    for (const expect of refused) {
      assert.equal(await takeState(kv, state, expect), null);
    }
    const expect = { userId: ADMIN, session: "s1", api: "ads" as const };
    assert.deepEqual(await takeState(kv, state, expect), pending);
    assert.equal(await takeState(kv, state, expect), null, "single use");
  } finally {
    kv.close();
  }
});
