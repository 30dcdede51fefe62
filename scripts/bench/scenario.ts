/** What every bench scenario is given: the command line's choices. */
export interface BenchOptions {
  /** workload sizes relative to the defaults (`--scale`) */
  scale: number
  /** onBatch calls a host keeps in flight at once (`--batches`) */
  batchesInFlight: number
  /** how long the simulator's jobs take per 100 items (`--job-ms`) */
  jobMsPer100Items: number
  /** seconds each run under an enforced account limit lasts (`--limit-seconds`) */
  limitSeconds: number
  /** the account limit the figures are for: 700 requests/minute (Zendesk Enterprise) */
  limitPerMinute: number
  /** added by the simulator to every answer */
  latencyMs: number
}

/** One horizontal bar chart: a value per series within each group, on one axis with its unit. */
export interface ChartPanel {
  title: string
  unit: string
  bars: { group: string; series: string; value: number }[]
}

export interface ScenarioResult {
  scenario: string
  figures: unknown[]
  panels: ChartPanel[]
  /** targets missed */
  problems: string[]
}

/** A bench scenario: prints a line per measurement as it goes, and returns its figures. */
export interface Scenario {
  name: string
  about(options: BenchOptions): string
  run(options: BenchOptions, print: (line: string) => void): Promise<ScenarioResult>
}
