// Staff fixtures: users with a role, grants and a live session, made the way
// the portal makes them (rows in the database, a session in KV).
import { registerStore } from "../../db/maintenance.ts";
import { staffUsers, storeGrants } from "../../db/schema.ts";
import { createSession } from "../../lib/security/sessions.ts";
import type { RoleName } from "../../lib/security/permissions.ts";
import type { TestApp } from "./app.ts";
import { ownerOf } from "./test_db.ts";

export const SESSION_POLICY = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3_600_000,
};

export interface TestStaff {
  id: string;
  email: string;
  /** Cookie header value carrying the session. */
  cookie: string;
  sessionId: string;
}

let counter = 0;

/** A staff user with `role`, grants on `storeIds`, and a session cookie. */
export async function makeStaff(
  s: TestApp,
  role: RoleName,
  opts: {
    storeIds?: string[];
    status?: "active" | "disabled" | "invited";
    email?: string;
    kind?: "sso" | "local";
  } = {},
): Promise<TestStaff> {
  const email = opts.email ?? `person${++counter}-${role}@example.test`;
  const [user] = await ownerOf(s.t.db).insert(staffUsers).values({
    email,
    displayName: `Test ${role} ${counter}`,
    role,
    kind: opts.kind ?? "sso",
    status: opts.status ?? "active",
  }).returning();
  for (const storeId of opts.storeIds ?? []) {
    await ownerOf(s.t.db).insert(storeGrants).values({
      userId: user.id,
      storeId,
    });
  }
  const sessionId = await createSession(s.kv, SESSION_POLICY, {
    userId: user.id,
  });
  return {
    id: user.id,
    email,
    sessionId,
    cookie: `__Host-custodian_session=${sessionId}`,
  };
}

/** A registered store for tests. */
export async function makeStore(s: TestApp, name: string): Promise<string> {
  return await registerStore(s.t.db, {
    sellerId: `AFAKE${name.toUpperCase().replace(/[^A-Z0-9]/g, "")}`.slice(
      0,
      14,
    ),
    region: "NA",
    name,
    marketplaces: [{
      marketplaceId: "ATVPDKIKX0DER",
      countryCode: "US",
      defaultCurrency: "USD",
      domain: "amazon.com",
    }],
  });
}
