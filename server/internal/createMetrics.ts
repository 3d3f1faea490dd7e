/** Label values of one series, by label name. */
export type Labels = Readonly<Record<string, string | number>>;

export type Counter = {
  /** Adds `value` (default 1, never negative) to the series of `labels`. */
  inc(labels?: Labels, value?: number): void;
};

export type Gauge = {
  set(value: number, labels?: Labels): void;
};

export type Histogram = {
  /** Records one observation (seconds, blocks, ...) in the series of `labels`. */
  observe(value: number, labels?: Labels): void;
};

type Definition = {
  /** Prometheus metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
  name: string;
  /** One line saying what it measures, and in which unit. */
  help: string;
  /** Label names, in the order they are written; every observation gives each one. */
  labelNames?: readonly string[];
};

type Family = {
  type: "counter" | "gauge" | "histogram";
  help: string;
  labelNames: readonly string[];
  buckets: readonly number[];
  /** Label values joined by NUL → value (counter, gauge) or bucket counts + sum + count (histogram). */
  series: Map<string, { labels: string; value: number; counts?: number[] }>;
  /** Gauges computed when scraped. */
  collect?: () => number;
};

/** Histogram buckets for HTTP latencies, in seconds: 0.5 ms to 10 s. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10] as const;

/**
 * A minimal Prometheus metrics registry: counters, gauges (set, or computed when scraped) and
 * histograms with labels, rendered in the text exposition format (version 0.0.4). The sync
 * engine, the RPC client and the API each register their metrics on the one registry the process
 * creates, and `/metrics` renders it.
 *
 * @dev Registering a name twice with the same type returns the same metric (two engines in one
 * test process share a registry); another type throws. Label sets must be bounded: label with
 * route patterns, methods, status codes and error kinds, never with request values.
 */
export function createMetrics() {
  const families = new Map<string, Family>();

  function register(type: Family["type"], definition: Definition, buckets: readonly number[] = []): Family {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(definition.name)) throw new Error(`invalid metric name ${definition.name}`);
    const existing = families.get(definition.name);
    if (existing !== undefined) {
      if (existing.type !== type) throw new Error(`metric ${definition.name} is already a ${existing.type}`);
      return existing;
    }
    const family: Family = {
      type,
      help: definition.help,
      labelNames: definition.labelNames ?? [],
      buckets,
      series: new Map(),
    };
    families.set(definition.name, family);
    return family;
  }

  function seriesOf(family: Family, labels: Labels | undefined) {
    const values = family.labelNames.map((name) => String(labels?.[name] ?? ""));
    const key = values.join("\u0000");
    let series = family.series.get(key);
    if (series === undefined) {
      const rendered = family.labelNames.map((name, i) => `${name}="${escapeLabel(values[i]!)}"`).join(",");
      series = { labels: rendered, value: 0 };
      if (family.type === "histogram") series.counts = new Array<number>(family.buckets.length + 1).fill(0);
      family.series.set(key, series);
    }
    return series;
  }

  return {
    counter(definition: Definition): Counter {
      const family = register("counter", definition);
      return {
        inc(labels, value = 1) {
          if (value < 0) throw new Error(`counter ${definition.name} cannot decrease`);
          seriesOf(family, labels).value += value;
        },
      };
    },

    gauge(definition: Definition & { collect?: () => number }): Gauge {
      const family = register("gauge", definition);
      if (definition.collect !== undefined) family.collect = definition.collect;
      return {
        set(value, labels) {
          seriesOf(family, labels).value = value;
        },
      };
    },

    histogram(definition: Definition & { buckets: readonly number[] }): Histogram {
      const buckets = [...definition.buckets].sort((a, b) => a - b);
      const family = register("histogram", definition, buckets);
      return {
        observe(value, labels) {
          const series = seriesOf(family, labels);
          let bucket = 0;
          while (bucket < buckets.length && value > buckets[bucket]!) bucket++;
          series.counts![bucket]! += 1;
          series.value += value;
        },
      };
    },

    /** Every metric in the Prometheus text format, families in registration order. */
    render(): string {
      const lines: string[] = [];
      for (const [name, family] of families) {
        lines.push(`# HELP ${name} ${family.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
        lines.push(`# TYPE ${name} ${family.type}`);
        if (family.collect !== undefined) {
          lines.push(`${name} ${formatValue(family.collect())}`);
          continue;
        }
        if (family.series.size === 0 && family.labelNames.length === 0 && family.type !== "histogram") {
          lines.push(`${name} 0`);
        }
        for (const series of family.series.values()) {
          const braces = (extra = "") => {
            const all = [series.labels, extra].filter((part) => part !== "").join(",");
            return all === "" ? "" : `{${all}}`;
          };
          if (family.type !== "histogram") {
            lines.push(`${name}${braces()} ${formatValue(series.value)}`);
            continue;
          }
          let cumulative = 0;
          family.buckets.forEach((bound, i) => {
            cumulative += series.counts![i]!;
            lines.push(`${name}_bucket${braces(`le="${formatValue(bound)}"`)} ${cumulative}`);
          });
          cumulative += series.counts![family.buckets.length]!;
          lines.push(`${name}_bucket${braces('le="+Inf"')} ${cumulative}`);
          lines.push(`${name}_sum${braces()} ${formatValue(series.value)}`);
          lines.push(`${name}_count${braces()} ${cumulative}`);
        }
      }
      return `${lines.join("\n")}\n`;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}
