import type { HostContext, HostReply, Route } from './host-routes'
import { MappingFileError } from './mapping-file'
import { isObject } from './objects'

/** A change to a mapping the host no longer has as the page showed it (another tab changed it): 409. */
export class MappingConflict extends Error {}

/** Mapping problems are the person's input: a 400 listing each of them; a conflict is a 409. */
export function withMappingProblems(
  handle: (body: Record<string, unknown>, context: HostContext) => Promise<HostReply>
): Route['handle'] {
  return async (request, context) => {
    try {
      return await handle(isObject(request.body) ? request.body : {}, context)
    } catch (error) {
      if (error instanceof MappingConflict) return { status: 409, body: { error: error.message } }
      if (!(error instanceof MappingFileError)) throw error
      return { status: 400, body: { error: error.message, problems: error.problems } }
    }
  }
}
