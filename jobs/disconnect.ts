// The queue handler that carries out a store's disconnection in the
// background (Data Policy §10): the message and the work are
// lib/policy/disconnection.ts's. KV redelivers on failure; the work resumes
// from the last recorded step.
import {
  DISCONNECT_MESSAGE,
  disconnectMessage,
  type RunDeps,
  runDisconnection,
} from "../lib/policy/disconnection.ts";
import { defineHandler, type QueueHandler } from "./queue.ts";

/** `{type: "store.disconnect", storeId, disconnectionId}` → runDisconnection. */
export function disconnectHandler(deps: RunDeps): QueueHandler {
  return defineHandler({
    type: DISCONNECT_MESSAGE,
    schema: disconnectMessage,
    async handle(m) {
      await runDisconnection(deps, m.storeId, m.disconnectionId);
    },
  });
}
