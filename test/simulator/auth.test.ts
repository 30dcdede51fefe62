import { startSimulator } from '../../src/simulator'
import { client, useSimulator } from './helpers'

describe('simulator authentication', () => {
  const ctx = useSimulator('bulk-import', { endpointLimits: false })

  it('rejects missing or wrong API-token credentials with 401 and WWW-Authenticate', async () => {
    const wrong = `Basic ${Buffer.from('agent@example.com/token:nope').toString('base64')}`
    for (const headers of [{}, { Authorization: wrong }] as Record<string, string>[]) {
      const res = await ctx.api('GET', 'users/1.json', undefined, headers)
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ error: "Couldn't authenticate you" })
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="Web Password"')
    }
  })

  it('rejects a bearer token it does not know with invalid_token', async () => {
    const res = await ctx.api('GET', 'tickets.json', undefined, { Authorization: 'Bearer expired' })
    expect(res.status).toBe(401)
    expect(res.body).toEqual({
      error: 'invalid_token',
      error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.'
    })
  })

  it('answers users/me with an anonymous user when credentials are wrong, and the admin when right', async () => {
    const anonymous = await ctx.api('GET', 'users/me.json', undefined, {})
    expect(anonymous.status).toBe(200)
    expect(anonymous.body.user).toMatchObject({ id: null, name: 'Anonymous user', role: 'end-user' })

    const me = await ctx.api('GET', 'users/me.json')
    expect(me.status).toBe(200)
    expect(me.body.user).toMatchObject({ email: 'agent@example.com', role: 'admin' })
    expect(typeof me.body.user.id).toBe('number')
    expect(me.body.user).not.toHaveProperty('verification_email_sent')
  })

  it('answers unknown routes and wrong verbs with InvalidEndpoint', async () => {
    for (const [method, path] of [
      ['GET', 'nothing_here.json'],
      ['PUT', 'users/create_or_update.json'],
      ['GET', '/v1/users']
    ]) {
      const res = await ctx.api(method, path)
      expect(res.status).toBe(404)
      expect(res.body).toEqual({ error: 'InvalidEndpoint', description: 'Not found' })
    }
  })

  it('never records the Authorization header', async () => {
    await ctx.api('GET', 'users/me.json')
    expect(ctx.sim.requests).toHaveLength(1)
    expect(JSON.stringify(ctx.sim.requests)).not.toContain('test-token')
    expect(JSON.stringify(ctx.sim.requests)).not.toContain(
      Buffer.from('agent@example.com/token:test-token').toString('base64')
    )
  })

  it('accepts OAuth bearer tokens when configured with one, and refuses basic auth then', async () => {
    const sim = await startSimulator({
      account: 'bulk-import',
      endpointLimits: false,
      credentials: { oauthToken: 'oauth-abc' }
    })
    try {
      const api = client(sim)
      expect((await api('GET', 'users/me.json', undefined, { Authorization: 'Bearer oauth-abc' })).body.user.role).toBe(
        'admin'
      )
      expect((await api('GET', 'users.json', undefined, { Authorization: 'Bearer oauth-abc' })).status).toBe(200)
      expect((await api('GET', 'users.json')).status).toBe(401)
    } finally {
      await sim.close()
    }
  })
})
