// The queue handler that carries out a store's disconnection in the
// background (Data Policy §10). KV redelivers on failure; the work resumes
// from the last recorded step.
import { z } from "zod";
import { type RunDeps, runDisconnection } from "../lib/policy/disconnection.ts";
import { defineHandler, type QueueHandler } from "./queue.ts";

export const DISCONNECT_MESSAGE = "store.disconnect";

/** `{type: "store.disconnect", storeId, disconnectionId}` → runDisconnection. */
export function disconnectHandler(deps: RunDeps): QueueHandler {
  return defineHandler({
    type: DISCONNECT_MESSAGE,
    schema: z.object({
      type: z.literal(DISCONNECT_MESSAGE),
      storeId: z.uuid(),
      disconnectionId: z.uuid(),
    }),
    async handle(m) {
      await runDisconnection(deps, m.storeId, m.disconnectionId);
    },
  });
}
