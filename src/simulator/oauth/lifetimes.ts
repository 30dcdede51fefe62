import { invalidRequest } from './errors'
import type { SimulatorOAuthClient } from './types'

const DAY_SECONDS = 86_400

/** Zendesk's enforced defaults for clients created after 2026-04-30 (announced): 30 minutes and 30 days. */
export const DEFAULT_ACCESS_TOKEN_SECONDS = 1800
export const DEFAULT_REFRESH_TOKEN_SECONDS = 30 * DAY_SECONDS

/** What a token request may ask for (documented): `expires_in` 5 minutes to 48 hours, `refresh_token_expires_in` 7 to 90 days. */
const ACCESS_TOKEN_RANGE = { min: 300, max: 172_800 }
const REFRESH_TOKEN_RANGE = { min: 7 * DAY_SECONDS, max: 90 * DAY_SECONDS }

/** Seconds each token of a grant lives; null: it never expires. */
export interface Lifetimes {
  accessSeconds: number | null
  refreshSeconds: number | null
}

export interface RequestedLifetimes {
  expiresIn?: unknown
  refreshTokenExpiresIn?: unknown
}

function requested(value: unknown, name: string, range: { min: number; max: number }): number | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN
  if (!Number.isInteger(seconds) || seconds < range.min || seconds > range.max) {
    throw invalidRequest(`${name} must be a whole number of seconds from ${range.min} to ${range.max}`)
  }
  return seconds
}

/** The client's lifetimes, or what the request asked for (within Zendesk's ranges, else invalid_request). */
export function lifetimesFor(client: SimulatorOAuthClient, asked: RequestedLifetimes): Lifetimes {
  const accessSeconds = requested(asked.expiresIn, 'expires_in', ACCESS_TOKEN_RANGE)
  const refreshSeconds = requested(asked.refreshTokenExpiresIn, 'refresh_token_expires_in', REFRESH_TOKEN_RANGE)
  return {
    accessSeconds: accessSeconds ?? withDefault(client.accessTokenLifetimeSeconds, DEFAULT_ACCESS_TOKEN_SECONDS),
    refreshSeconds: refreshSeconds ?? withDefault(client.refreshTokenLifetimeSeconds, DEFAULT_REFRESH_TOKEN_SECONDS)
  }
}

function withDefault(seconds: number | null | undefined, fallback: number): number | null {
  return seconds === undefined ? fallback : seconds
}
