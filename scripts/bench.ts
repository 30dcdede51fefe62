/**
 * `npm run bench`: runs the scenarios of scripts/bench/scenarios.ts against the embedded simulator, printing a
 * line per measurement as it goes, then checks the targets. Results go to bench-results/ (ignored by git);
 * `--record` writes bench/results.json and bench/chart.svg instead, the figures the README quotes; with `--only`, it
 * replaces that scenario's figures in bench/results.json, keeps the others', and leaves the chart as it is.
 * Options: `--only <scenario>`, `--batches 30` (onBatch calls in flight), `--job-ms 1500` (simulator job time per
 * 100 items), `--scale 0.2` (smaller workloads: quicker, noisier), `--limit-seconds 12`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs'
import os from 'os'
import path from 'path'
import { benchChart } from './bench/chart'
import type { BenchOptions, ScenarioResult } from './bench/scenario'
import { SCENARIOS } from './bench/scenarios'

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name)
  return index >= 0 ? process.argv[index + 1] : undefined
}

const numberArgument = (name: string, fallback: number) => Number(argument(name) ?? fallback)

function machine(): string {
  const cpus = os.cpus()
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${os.platform()}, Node ${process.version}`
}

async function main() {
  const options: BenchOptions = {
    scale: numberArgument('--scale', 1),
    batchesInFlight: numberArgument('--batches', 30),
    jobMsPer100Items: numberArgument('--job-ms', 1500),
    limitSeconds: numberArgument('--limit-seconds', 12),
    limitPerMinute: 700,
    latencyMs: 5
  }
  const only = argument('--only')
  const chosen = SCENARIOS.filter((s) => !only || s.name === only)
  if (chosen.length === 0) throw new Error(`No scenario ${only}; there are ${SCENARIOS.map((s) => s.name).join(', ')}`)
  console.log(`Bench on ${machine()}`)
  const results: ScenarioResult[] = []
  for (const scenario of chosen) {
    console.log(`\n== ${scenario.name}: ${scenario.about(options)}`)
    const result = await scenario.run(options, (line) => console.log(line))
    results.push(result)
    if (result.problems.length) console.log(`Targets missed:\n- ${result.problems.join('\n- ')}`)
  }
  const problems = results.flatMap((r) => r.problems)
  console.log(problems.length ? `\n${problems.length} target(s) missed.` : '\nAll targets met.')

  const record = process.argv.includes('--record')
  const outDir = path.join(__dirname, '..', record ? 'bench' : 'bench-results')
  mkdirSync(outDir, { recursive: true })
  const title = `npm run bench, scale ${options.scale}: ${machine()}`
  const run = {
    generatedAt: new Date().toISOString(),
    machine: machine(),
    options,
    scenarios: results.map(({ scenario, figures, problems }) => ({ scenario, figures, problems }))
  }
  const resultsFile = path.join(outDir, 'results.json')
  if (record && only && existsSync(resultsFile)) {
    writeFileSync(resultsFile, JSON.stringify(mergedRecord(resultsFile, run), null, 2) + '\n')
    console.log(`Wrote the ${only} figures into ${path.relative(process.cwd(), resultsFile)} (chart.svg unchanged)`)
    if (problems.length) process.exitCode = 1
    return
  }
  writeFileSync(resultsFile, JSON.stringify(run, null, 2) + '\n')
  writeFileSync(
    path.join(outDir, 'chart.svg'),
    benchChart(
      title,
      results.flatMap((r) => r.panels)
    ) + '\n'
  )
  console.log(`Wrote ${path.relative(process.cwd(), outDir)}/results.json and chart.svg`)
  if (problems.length) process.exitCode = 1
}

interface RecordedScenario {
  scenario: string
  generatedAt?: string
  machine?: string
  options?: BenchOptions
}

/**
 * The recorded figures with this run's scenarios in place of their earlier figures; each scenario recorded by
 * another run than the file's says when, on what and with which options it ran.
 */
function mergedRecord(
  file: string,
  run: { generatedAt: string; machine: string; options: BenchOptions; scenarios: RecordedScenario[] }
) {
  const recorded = JSON.parse(readFileSync(file, 'utf8')) as typeof run
  const ofThisRun = ({ scenario }: RecordedScenario) => run.scenarios.some((s) => s.scenario === scenario)
  const kept = recorded.scenarios.filter((s) => !ofThisRun(s))
  const added = run.scenarios.map((s) => ({
    ...s,
    generatedAt: run.generatedAt,
    machine: run.machine,
    options: run.options
  }))
  return { ...recorded, scenarios: [...kept, ...added] }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
