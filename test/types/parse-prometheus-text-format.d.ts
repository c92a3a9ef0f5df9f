// Types of `parse-prometheus-text-format` (a devDependency without its own), as far as the metrics tests use it.
declare module 'parse-prometheus-text-format' {
  /** One sample of a family: its value as written, and its labels. */
  interface PrometheusSample {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  /** One metric family, as prom2json prints it. */
  interface PrometheusFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: PrometheusSample[];
  }
  /** Parses the Prometheus text format; throws on a malformed line. */
  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[];
  export type { PrometheusFamily, PrometheusSample };
}
