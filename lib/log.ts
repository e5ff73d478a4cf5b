// Structured JSON logs, one object per line, every field passed through the
// redaction step (Data Policy §7: logs must not contain credentials).
import { redact, redactText } from "./security/redact.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = {
  debug: 0,
  info: 1,
  warn: 2,
  error: 3,
};

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line. */
  child(fields: Record<string, unknown>): Logger;
}

/** Where log lines go; tests pass an array sink to read every line. */
export type LogSink = (line: string) => void;

/**
 * Creates a JSON-lines logger.
 *
 * @example
 * const log = createLogger({ level: "info" });
 * log.info("server.listening", { port: 8000 });
 */
export function createLogger(opts: {
  level?: LogLevel;
  sink?: LogSink;
  clock?: () => Date;
  base?: Record<string, unknown>;
} = {}): Logger {
  const min = ORDER[opts.level ?? "info"];
  const sink = opts.sink ?? ((line) => console.log(line));
  const clock = opts.clock ?? (() => new Date());
  const base = opts.base ?? {};
  const write = (level: LogLevel, event: string, fields = {}) => {
    if (ORDER[level] < min) return;
    const entry = redact({ ...base, ...fields }) as Record<string, unknown>;
    sink(JSON.stringify({
      time: clock().toISOString(),
      level,
      event: redactText(event),
      ...entry,
    }));
  };
  return {
    debug: (e, f) => write("debug", e, f),
    info: (e, f) => write("info", e, f),
    warn: (e, f) => write("warn", e, f),
    error: (e, f) => write("error", e, f),
    child: (fields) =>
      createLogger({ ...opts, base: { ...base, ...fields }, sink, clock }),
  };
}
