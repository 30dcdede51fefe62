import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { BASIC_AUTH, type AccountOptions } from '../../simulator/helpers'
import { problems } from '../shape'
import {
  CONTENT_TYPES,
  EVERY_ANSWER_HEADERS,
  type Contract,
  type ContractRequest,
  type Given,
  type Vars
} from './contract'

/** The account a contract answers from unless it names another: a new account with bulk import on. */
export const CONTRACT_ACCOUNT: AccountOptions = { account: 'bulk-import' }

/** Simulators kept for a test file, one per set of options; close them all in afterAll. */
export class Simulators {
  private readonly running = new Map<string, RunningSimulator>()

  /** A simulator with these options, emptied back to its account's start. */
  async get(options: AccountOptions = CONTRACT_ACCOUNT): Promise<RunningSimulator> {
    const key = JSON.stringify(options)
    let sim = this.running.get(key)
    if (!sim) {
      sim = await startSimulator({ jobPollsToComplete: 2, ...options })
      this.running.set(key, sim)
    }
    sim.reset()
    return sim
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.running.values()].map((sim) => sim.close()))
    this.running.clear()
  }
}

const isApiPath = (path: string) => !path.startsWith('/')

async function send(sim: RunningSimulator, request: ContractRequest) {
  const { method, path, body, form, authorization = BASIC_AUTH, idempotencyKey } = request
  const headers: Record<string, string> = {}
  if (authorization !== null) headers.Authorization = authorization
  if (body !== undefined) headers['Content-Type'] = form ? 'application/x-www-form-urlencoded' : 'application/json'
  if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey
  const encoded = form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body)
  const res = await fetch(`${sim.url}${isApiPath(path) ? `/api/v2/${path}` : path}`, {
    method,
    headers,
    body: body === undefined ? undefined : encoded,
    redirect: 'manual'
  })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

function given(sim: RunningSimulator): Given {
  const call: Given['call'] = async (method, path, body) => {
    const res = await send(sim, { method, path, body })
    return { status: res.status, body: res.text ? JSON.parse(res.text) : undefined }
  }
  return {
    sim,
    call,
    async job(method, path, body, polls = 1) {
      const submitted = await call(method, path, body)
      // Bulk endpoints answer 200, custom object record jobs 201.
      if (submitted.status !== 200 && submitted.status !== 201) {
        throw new Error(`${method} ${path} answered ${submitted.status}`)
      }
      const id: string = submitted.body.job_status.id
      for (let i = 0; i < polls; i++) await call('GET', `job_statuses/${id}`)
      return id
    }
  }
}

/** `{name}` in the request replaced by the values `given` returned (a whole "{name}" string by the value). */
function fill<T>(value: T, vars: Vars): T {
  if (value === undefined) return value
  const text = JSON.stringify(value)
    .replace(/"\{(\w+)\}"/g, (_, name: string) => JSON.stringify(vars[name]))
    .replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name]))
  return JSON.parse(text)
}

/**
 * Asks the simulator (the contract's account, or `options` instead) for the contract's answer and lists how it
 * differs from Zendesk's: status, content type, body shape, headers. Empty when it conforms. `drift` changes the
 * parsed JSON answer before it is checked, to show what a simulator answering that way would fail.
 */
export async function check(
  contract: Contract,
  simulators: Simulators,
  options?: AccountOptions,
  drift?: (body: any) => void
): Promise<string[]> {
  const sim = await simulators.get(options ?? contract.simulator)
  const vars = (await contract.given?.(given(sim))) ?? {}
  const res = await send(sim, fill(contract.request, vars))
  const found: string[] = []

  if (res.status !== contract.status) {
    found.push(`status: expected ${contract.status}, got ${res.status}: ${res.text.slice(0, 200)}`)
  }
  const content = contract.content ?? 'json'
  const contentType = res.headers.get('content-type')
  if (content === 'none') {
    if (res.text !== '') found.push(`body: expected none, got ${res.text.slice(0, 80)}`)
  } else if (!contentType || !CONTENT_TYPES[content].test(contentType)) {
    found.push(`content-type: expected ${CONTENT_TYPES[content]}, got ${contentType}`)
  }
  if (contract.body !== undefined) {
    let parsed: unknown = res.text
    if (content === 'json') {
      try {
        parsed = JSON.parse(res.text)
      } catch {
        found.push('body: not JSON')
      }
      drift?.(parsed)
    }
    found.push(...problems(parsed, contract.body))
  }
  const everyAnswer = isApiPath(contract.request.path) ? EVERY_ANSWER_HEADERS : {}
  for (const [name, rule] of Object.entries({ ...everyAnswer, ...contract.headers })) {
    const value = res.headers.get(name)
    if (value === null || !rule.test(value)) found.push(`header ${name}: expected ${rule}, got ${value}`)
  }
  return found
}
