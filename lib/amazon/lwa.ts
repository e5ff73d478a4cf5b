// Login with Amazon token endpoint (facts §1): refresh-token and
// authorization-code grants. Secrets go only in the form body; errors carry
// Amazon's `error` code and never the values that were sent.
import { z } from "zod";

export class LwaError extends Error {
  override name = "LwaError";
  constructor(
    /** Amazon's `error` code (invalid_grant, invalid_client, …) or "network". */
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  /**
   * Amazon refused what was sent (a 4xx with an OAuth error: invalid_grant,
   * invalid_client, …), as opposed to Amazon being unreachable, throttling,
   * failing (5xx) or answering nonsense.
   */
  get refused(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 429 &&
      this.code !== "http_error";
  }
}

export interface LwaTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

export interface LwaClient {
  /** grant_type=refresh_token: an access token for a stored refresh token. */
  refresh(input: {
    clientId: string;
    clientSecret: string;
    refreshToken: string;
  }): Promise<LwaTokens>;
  /** grant_type=authorization_code: the consent code for a refresh token. */
  exchangeCode(input: {
    clientId: string;
    clientSecret: string;
    code: string;
    redirectUri?: string;
  }): Promise<LwaTokens & { refreshToken: string }>;
}

const success = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
});
const failure = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

/**
 * A client for one LWA token URL (api.amazon.com, or the sandbox).
 *
 * @example
 * const lwa = createLwaClient({ tokenUrl: "https://api.amazon.com/auth/o2/token" });
 */
export function createLwaClient(opts: {
  tokenUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): LwaClient {
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const post = async (form: Record<string, string>) => {
    let res: Response;
    try {
      res = await doFetch(opts.tokenUrl, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded;charset=UTF-8",
          accept: "application/json",
        },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new LwaError(
        "network",
        0,
        `token endpoint unreachable (${(err as Error).name})`,
      );
    }
    const text = await res.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err; // else: not JSON
    }
    if (res.ok) {
      const ok = success.safeParse(body);
      if (!ok.success) {
        throw new LwaError(
          "malformed_response",
          res.status,
          "LWA answered with an unexpected body",
        );
      }
      return ok.data;
    }
    const err = failure.safeParse(body);
    // Amazon's description names the parameter, never its value.
    throw new LwaError(
      err.success ? err.data.error : "http_error",
      res.status,
      err.success
        ? `LWA refused the request: ${err.data.error}`
        : `LWA answered HTTP ${res.status}`,
    );
  };
  return {
    async refresh(input) {
      const t = await post({
        grant_type: "refresh_token",
        refresh_token: input.refreshToken,
        client_id: input.clientId,
        client_secret: input.clientSecret,
      });
      return {
        accessToken: t.access_token,
        expiresIn: t.expires_in,
        refreshToken: t.refresh_token,
      };
    },
    async exchangeCode(input) {
      const form: Record<string, string> = {
        grant_type: "authorization_code",
        code: input.code,
        client_id: input.clientId,
        client_secret: input.clientSecret,
      };
      if (input.redirectUri) form.redirect_uri = input.redirectUri;
      const t = await post(form);
      if (!t.refresh_token) {
        throw new LwaError(
          "malformed_response",
          200,
          "LWA returned no refresh token",
        );
      }
      return {
        accessToken: t.access_token,
        expiresIn: t.expires_in,
        refreshToken: t.refresh_token,
      };
    },
  };
}
