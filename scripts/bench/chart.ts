import type { ChartPanel } from './scenario'

const COLORS: Record<string, string> = {
  naive: '#c0504d',
  onEvent: '#f0a030',
  onBatch: '#4f81bd',
  'at the limit': '#4f81bd',
  'by the clock here': '#8db3e2',
  ceiling: '#b0b0b0',
  target: '#9bbb59',
  upsertUser: '#4f81bd',
  upsertOrganization: '#8064a2'
}

const WIDTH = 960
const LABEL_WIDTH = 330
const BAR_HEIGHT = 13
const PLOT_WIDTH = WIDTH - LABEL_WIDTH - 110

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string)
}

/** A round axis end at or above `max`, and its tick step: 1, 2 or 5 times a power of ten. */
function axisOf(max: number): { end: number; step: number } {
  const rough = Math.max(max, 1e-9) / 5
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!
  return { end: Math.ceil(max / step) * step || step, step }
}

const format = (value: number) =>
  value === 0
    ? '0'
    : value >= 100
      ? Math.round(value).toLocaleString('en-US')
      : value >= 1
        ? value.toFixed(1)
        : value.toFixed(3)

/** One horizontal grouped-bar panel with a value axis (ticks, grid, unit); returns the SVG and its height. */
function panel(p: ChartPanel, top: number): { svg: string; height: number } {
  const { end, step } = axisOf(Math.max(...p.bars.map((b) => b.value)))
  const x = (value: number) => LABEL_WIDTH + (PLOT_WIDTH * value) / end
  const parts = [`<text x="10" y="${top + 16}" font-size="14" font-weight="bold">${escapeXml(p.title)}</text>`]
  let y = top + 26
  let group = ''
  const barsTop = y
  for (const bar of p.bars) {
    if (bar.group !== group) {
      group = bar.group
      y += 4
      parts.push(`<text x="10" y="${y + 11}" font-size="12" font-weight="bold">${escapeXml(group)}</text>`)
      y += BAR_HEIGHT + 2
    }
    const length = Math.max(1, x(bar.value) - LABEL_WIDTH)
    parts.push(
      `<text x="24" y="${y + 10}" font-size="11">${escapeXml(bar.series)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${length.toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLORS[bar.series] ?? '#888'}"/>`,
      `<text x="${LABEL_WIDTH + length + 5}" y="${y + 10}" font-size="11">${format(bar.value)}</text>`
    )
    y += BAR_HEIGHT + 3
  }
  // The value axis: a line, a tick and a grid line per step, and the unit.
  parts.push(`<line x1="${LABEL_WIDTH}" y1="${y + 2}" x2="${x(end)}" y2="${y + 2}" stroke="#333"/>`)
  for (let value = 0; value <= end + step / 2; value += step) {
    parts.push(
      `<line x1="${x(value)}" y1="${barsTop}" x2="${x(value)}" y2="${y + 2}" stroke="#ddd"/>`,
      `<line x1="${x(value)}" y1="${y + 2}" x2="${x(value)}" y2="${y + 6}" stroke="#333"/>`,
      `<text x="${x(value)}" y="${y + 17}" font-size="10" text-anchor="middle">${format(value)}</text>`
    )
  }
  parts.push(
    `<text x="${LABEL_WIDTH + PLOT_WIDTH / 2}" y="${y + 31}" font-size="11" text-anchor="middle">${escapeXml(p.unit)} (linear scale from 0)</text>`
  )
  return { svg: parts.join('\n'), height: y + 40 - top }
}

/** The bench's chart: a title naming the run (machine, Node, scale), then one panel per figure. */
export function benchChart(title: string, panels: ChartPanel[]): string {
  const parts = [`<text x="10" y="22" font-size="16" font-weight="bold">${escapeXml(title)}</text>`]
  let top = 36
  for (const p of panels) {
    const drawn = panel(p, top)
    parts.push(drawn.svg)
    top += drawn.height + 10
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...parts,
    '</svg>'
  ].join('\n')
}
