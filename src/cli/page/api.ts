/** What the host answered: its status and JSON body. */
export interface Answer<T> {
  status: number
  body: T
}

/** A refusal of the host: its message and, for mappings that do not check, each problem. */
export interface Refusal {
  error: string
  problems?: string[]
}

export async function getJson<T>(path: string): Promise<Answer<T>> {
  const response = await fetch(path, { headers: { Accept: 'application/json' } })
  return { status: response.status, body: (await response.json()) as T }
}

export async function postJson<T>(path: string, value: unknown): Promise<Answer<T>> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(value)
  })
  return { status: response.status, body: (await response.json()) as T }
}

/** The refusal's message and problems as one list to show. */
export const refusalProblems = (refusal: Refusal): string[] =>
  refusal.problems && refusal.problems.length > 0 ? refusal.problems : [refusal.error]
