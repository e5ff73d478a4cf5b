// A request body that cannot be read as the form its Content-Type announces
// (multipart without a boundary, a cut or garbled multipart body) is the
// client's error: 400, not the 500 that the runtime's TypeError would give.
import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ClientError } from "./errors.ts";

/** Wraps `c.req.parseBody` so that a parse failure is a 400 ClientError. */
export const formBodyErrors: MiddlewareHandler = async function formBodyErrors(
  c,
  next,
) {
  const req = c.req;
  const parse = req.parseBody.bind(req);
  req.parseBody = (async (options?: Parameters<typeof parse>[0]) => {
    try {
      return await parse(options);
    } catch (err) {
      if (err instanceof HTTPException) throw err;
      throw new ClientError(400, "bad_body", { cause: err });
    }
  }) as typeof req.parseBody;
  await next();
};
