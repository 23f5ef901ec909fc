/** A minimal Prometheus text-format registry (counters and gauges, optional labels). */
export class Metrics {
  readonly #help = new Map<string, { type: 'counter' | 'gauge'; help: string }>();
  readonly #values = new Map<string, Map<string, number>>();
  readonly #gauges = new Map<string, () => number>();

  counter(name: string, help: string): void {
    this.#help.set(name, { type: 'counter', help });
    this.#values.set(name, new Map());
  }

  /** A value read when metrics are rendered: a gauge, or a counter kept elsewhere. */
  gauge(name: string, help: string, read: () => number, type: 'gauge' | 'counter' = 'gauge'): void {
    this.#help.set(name, { type, help });
    this.#gauges.set(name, read);
  }

  inc(name: string, labels: Record<string, string> = {}, by = 1): void {
    const series = this.#values.get(name);
    if (series === undefined) throw new RangeError(`unknown counter ${name}`);
    const key = Object.entries(labels)
      .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`)
      .join(',');
    series.set(key, (series.get(key) ?? 0) + by);
  }

  /** Prometheus exposition format 0.0.4. */
  render(): string {
    const lines: string[] = [];
    for (const [name, { type, help }] of this.#help) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      const read = this.#gauges.get(name);
      if (read !== undefined) {
        lines.push(`${name} ${read()}`);
        continue;
      }
      const series = this.#values.get(name)!;
      if (series.size === 0) lines.push(`${name} 0`);
      for (const [labels, v] of series)
        lines.push(labels === '' ? `${name} ${v}` : `${name}{${labels}} ${v}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
