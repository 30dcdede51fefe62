import type { LocalHost } from '../../src/cli/local-host'

export interface Answer {
  status: number
  headers: Headers
  text: string
  /** The parsed body when the host answered JSON. */
  body: any
}

/** One request to the local host, with a JSON body when given. */
export async function call(host: LocalHost, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${host.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  const json = res.headers.get('content-type')?.startsWith('application/json')
  return { status: res.status, headers: res.headers, text, body: json && text ? JSON.parse(text) : undefined }
}
