import { ApiError, json, notFound, queryList } from '../http'
import { pollJob } from '../jobs'
import { route } from '../router'

export const jobRoutes = [
  /** Up to 100 comma-separated ids; each counts as a poll of its job; unknown ids are left out. */
  route('GET', 'job_statuses/show_many', (req, sim) => {
    const ids = queryList(req.query, 'ids')
    if (!ids || ids.length === 0) {
      throw new ApiError(
        json(400, { error: 'ParameterMissing', description: 'param is missing or the value is empty: ids' })
      )
    }
    return json(200, { job_statuses: ids.flatMap((id) => pollJob(sim, id) ?? []) })
  }),
  route('GET', 'job_statuses/*id', (req, sim) => {
    const record = pollJob(sim, req.params.id)
    if (!record) throw notFound()
    return json(200, { job_status: record })
  })
]
