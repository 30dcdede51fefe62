import { json, notFound } from '../http'
import { pollJob } from '../jobs'
import { route } from '../router'

export const jobRoutes = [
  route('GET', 'job_statuses/*id', (req, sim) => {
    const record = pollJob(sim, req.params.id)
    if (!record) throw notFound()
    return json(200, { job_status: record })
  })
]
