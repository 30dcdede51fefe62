import type { EventReport, Outcome } from './run-events'

export type OutcomeCounts = Record<Outcome, number>

export interface NotDelivered {
  /** 1-based position of the event in the replayed file (its line number when the file has no blank lines) */
  event: number
  line?: number
  description: string
  action: string
  result: Exclude<Outcome, 'delivered'>
  status: number
  message: string
}

export interface ReplaySummary {
  events: number
  /** events that matched no subscription */
  unmatched: number
  perAction: Record<string, OutcomeCounts>
  notDelivered: NotDelivered[]
}

export function summarise(reports: EventReport[], lines?: number[]): ReplaySummary {
  const perAction: Record<string, OutcomeCounts> = {}
  const notDelivered: NotDelivered[] = []
  reports.forEach((report, index) => {
    for (const result of report.actions) {
      const counts = (perAction[result.action] ??= { delivered: 0, rejected: 0, retryable: 0 })
      counts[result.result] += 1
      if (result.result !== 'delivered') {
        notDelivered.push({
          event: index + 1,
          line: lines?.[index],
          description: report.description,
          action: result.action,
          result: result.result,
          status: result.status,
          message: result.message ?? ''
        })
      }
    }
  })
  return {
    events: reports.length,
    unmatched: reports.filter((report) => report.actions.length === 0).length,
    perAction,
    notDelivered
  }
}

function eventLine(report: EventReport, index: number, lines?: number[]): string {
  const where = lines ? `line ${lines[index]}` : `event ${index + 1}`
  const results = report.actions.length
    ? report.actions.map((a) => `${a.action} ${a.result}${a.result === 'delivered' ? '' : ` (${a.status})`}`).join(', ')
    : 'no subscription matched'
  return `  ${where.padEnd(8)} ${report.description.padEnd(40)} → ${results}`
}

/** The text replay prints: one line per event, counts per action, and why each non-delivered event failed. */
export function formatSummary(reports: EventReport[], summary: ReplaySummary, lines?: number[]): string {
  const out: string[] = ['Events', ...reports.map((report, i) => eventLine(report, i, lines)), '']
  const width = Math.max(6, ...Object.keys(summary.perAction).map((action) => action.length))
  out.push('Summary per action')
  out.push(`  ${'action'.padEnd(width)}  delivered  rejected  retryable`)
  for (const [action, counts] of Object.entries(summary.perAction)) {
    out.push(
      `  ${action.padEnd(width)}  ${String(counts.delivered).padStart(9)}  ${String(counts.rejected).padStart(8)}  ${String(
        counts.retryable
      ).padStart(9)}`
    )
  }
  if (summary.unmatched > 0) out.push(`  ${summary.unmatched} event(s): no subscription matched`)
  if (summary.notDelivered.length > 0) {
    out.push('', 'Not delivered')
    for (const item of summary.notDelivered) {
      const where = item.line !== undefined ? `line ${item.line}` : `event ${item.event}`
      out.push(`  ${where} ${item.description}: ${item.action} ${item.result} (${item.status}) — ${item.message}`)
    }
  } else {
    out.push('', 'Every matched action was delivered.')
  }
  return out.join('\n')
}
