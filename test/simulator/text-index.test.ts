import { Store } from '../../src/simulator/state'
import { findUserByEmail, findUserByExternalId, upsertUser } from '../../src/simulator/model/users'
import { deletePermanently } from '../../src/simulator/model/deleted-users'
import { createOrganization, findOrganizationByName, updateOrganization } from '../../src/simulator/model/organizations'

describe('simulator lookups by text (indexed)', () => {
  it('finds a user by the external_id and email it has now, case-insensitively', () => {
    const store = new Store('acme')
    const { user } = upsertUser(store, { name: 'Ann', external_id: 'A-1', email: 'ann@example.com' })
    expect(findUserByExternalId(store, 'a-1')).toBe(user)
    upsertUser(store, { email: 'ANN@example.com', external_id: 'B-2' })
    expect(findUserByExternalId(store, 'a-1')).toBeUndefined()
    expect(findUserByExternalId(store, 'b-2')).toBe(user)
    expect(findUserByEmail(store, ' Ann@Example.com ')).toBe(user)
  })

  it('skips soft-deleted users and forgets permanently deleted ones', () => {
    const store = new Store('acme')
    const { user: first } = upsertUser(store, { name: 'Ann', external_id: 'x', email: 'ann@example.com' })
    first.active = false
    expect(findUserByExternalId(store, 'x')).toBeUndefined()
    const { user: second, created } = upsertUser(store, { name: 'Ann', external_id: 'x', email: 'ann@example.com' })
    expect(created).toBe(true)
    expect(findUserByEmail(store, 'ann@example.com')).toBe(second)
    deletePermanently(store, first)
    expect(store.emailIdentities.get('ann@example.com').size).toBe(1)
    expect(store.usersByExternalId.get('x').size).toBe(1)
  })

  it('finds a renamed organization by its new name only', () => {
    const store = new Store('acme')
    const org = createOrganization(store, { name: 'Acme' })
    updateOrganization(store, org, { name: 'Acme Inc' })
    expect(findOrganizationByName(store, 'acme')).toBeUndefined()
    expect(findOrganizationByName(store, 'ACME INC')).toBe(org)
  })
})
