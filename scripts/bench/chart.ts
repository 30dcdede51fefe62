import type { RateLimitedFigures } from './rate-limited'
import type { PathFigures } from './throughput'

const COLORS: Record<string, string> = { naive: '#c0504d', onEvent: '#f0a030', onBatch: '#4f81bd' }

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string)
}

interface Bar {
  group: string
  series: string
  value: number
  label: string
}

/** One horizontal grouped-bar panel; returns the SVG fragment and its height. */
function panel(title: string, bars: Bar[], top: number, width: number): { svg: string; height: number } {
  const labelWidth = 230
  const barHeight = 14
  const max = Math.max(...bars.map((b) => b.value), 1e-9)
  let y = top + 28
  let group = ''
  const parts = [`<text x="10" y="${top + 16}" font-size="15" font-weight="bold">${escapeXml(title)}</text>`]
  for (const bar of bars) {
    if (bar.group !== group) {
      group = bar.group
      y += 6
      parts.push(`<text x="10" y="${y + 11}" font-size="12" font-weight="bold">${escapeXml(group)}</text>`)
      y += barHeight + 2
    }
    const length = Math.max(1, ((width - labelWidth - 120) * bar.value) / max)
    parts.push(
      `<text x="24" y="${y + 11}" font-size="11">${escapeXml(bar.series)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${length.toFixed(1)}" height="${barHeight}" fill="${COLORS[bar.series] ?? '#888'}"/>`,
      `<text x="${labelWidth + length + 6}" y="${y + 11}" font-size="11">${escapeXml(bar.label)}</text>`
    )
    y += barHeight + 3
  }
  return { svg: parts.join('\n'), height: y - top + 10 }
}

export function benchChart(paths: PathFigures[], limited: RateLimitedFigures[]): string {
  const width = 900
  const requests = panel(
    'Zendesk requests per event (lower is better)',
    paths.map((p) => ({
      group: p.action,
      series: p.path,
      value: p.requestsPerEvent,
      label: p.requestsPerEvent.toFixed(3)
    })),
    0,
    width
  )
  const throughput = panel(
    'Events per second against the simulator (higher is better)',
    paths.map((p) => ({
      group: p.action,
      series: p.path,
      value: p.eventsPerSecond,
      label: p.eventsPerSecond.toFixed(0)
    })),
    requests.height,
    width
  )
  const underLimit = panel(
    `Events delivered per minute under a ${limited[0]?.limitPerMinute ?? 700} requests/minute account limit`,
    limited.map((l) => ({
      group: l.action,
      series: l.path,
      value: l.deliveredPerMinute,
      label: l.deliveredPerMinute.toFixed(0)
    })),
    requests.height + throughput.height,
    width
  )
  const height = requests.height + throughput.height + underLimit.height + 10
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    requests.svg,
    throughput.svg,
    underLimit.svg,
    '</svg>'
  ].join('\n')
}
