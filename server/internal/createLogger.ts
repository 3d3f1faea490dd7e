import { BaseError } from "./BaseError.js";

/** Log levels, least to most severe; `silent` logs nothing. */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One log line, before it is written as JSON. */
export type LogRecord = { time: string; level: Exclude<LogLevel, "silent">; msg: string } & Record<string, unknown>;

type LogFn = (msg: string, fields?: Record<string, unknown>) => void;

/** A structured logger: one JSON object per line. */
export type Logger = {
  readonly level: LogLevel;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger that adds `bindings` to every record (e.g. `{ component: "sync" }`). */
  child(bindings: Record<string, unknown>): Logger;
};

export type CreateLoggerOptions = {
  /** Records below this level are dropped. Default `info`. */
  level?: LogLevel;
  /** Fields added to every record. */
  bindings?: Record<string, unknown>;
  /** Where records go. Default: one JSON line each on stderr. Tests pass a collector. */
  sink?: (record: LogRecord) => void;
};

/**
 * A logger writing JSON lines to stderr (stdout stays free for a CLI's output). Bigints are
 * written as decimal strings; errors as `{ name, shortMessage, details, cause }`.
 *
 * @dev Never pass secret card codes or raw calldata in `fields`: nothing here can tell them apart.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const threshold = LOG_LEVELS.indexOf(level);
  const bindings = options.bindings ?? {};
  const sink = options.sink ?? writeToStderr;

  const emit =
    (recordLevel: Exclude<LogLevel, "silent">): LogFn =>
    (msg, fields) => {
      if (LOG_LEVELS.indexOf(recordLevel) < threshold) return;
      const record: LogRecord = { time: new Date().toISOString(), level: recordLevel, msg, ...bindings };
      for (const [key, value] of Object.entries(fields ?? {})) record[key] = serialize(value);
      sink(record);
    };

  return {
    level,
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    child: (more) => createLogger({ level, sink, bindings: { ...bindings, ...more } }),
  };
}

function writeToStderr(record: LogRecord) {
  process.stderr.write(`${JSON.stringify(record)}\n`);
}

function serialize(value: unknown, depth = 0): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name };
    if (value instanceof BaseError) {
      out.shortMessage = value.shortMessage;
      if (value.details !== undefined) out.details = value.details;
    } else {
      out.message = value.message;
    }
    if (value.cause !== undefined && depth < 3) out.cause = serialize(value.cause, depth + 1);
    return out;
  }
  if (Array.isArray(value)) return value.map((item) => serialize(item, depth + 1));
  if (value !== null && typeof value === "object" && depth < 5) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = serialize(item, depth + 1);
    return out;
  }
  return value;
}
