import { leftUntouched, skippedMissing, unsupportedSyncMode } from '../../src/destinations/zendesk/batch/sync-modes'

describe('sync-mode errors', () => {
  it('Update mode skips a record Zendesk does not have: a 404 that says so, with why where there is more to say', () => {
    const user = skippedMissing('user with external_id "u1"', 'no user with that external_id')
    expect(user).toMatchObject({ status: 404 })
    expect(user.message).toBe(
      'Skipped: Zendesk has no user with external_id "u1", and Update mode creates nothing (no user with that external_id)'
    )
    expect(skippedMissing('organization with external_id "o1"').message).toBe(
      'Skipped: Zendesk has no organization with external_id "o1", and Update mode creates nothing'
    )
  })

  it('Add mode leaves a record Zendesk has untouched: a 409 that says so', () => {
    const user = leftUntouched('a user with email "a@example.com"', 'user')
    expect(user).toMatchObject({ status: 409 })
    expect(user.message).toBe(
      'Left untouched: Zendesk already has a user with email "a@example.com", and Add mode changes no existing user'
    )
    expect(leftUntouched('an organization with external_id "o1"', 'organization').message).toBe(
      'Left untouched: Zendesk already has an organization with external_id "o1", and Add mode changes no existing organization'
    )
  })

  it('mirror is refused as a payload error naming the action and the modes it offers', () => {
    const error = unsupportedSyncMode('Upsert User', 'mirror')
    expect(error).toMatchObject({ status: 400 })
    expect(error.message).toBe('Sync mode mirror is not supported by Upsert User: use upsert, update, add or delete')
  })
})
