import { el } from './dom.js'
import { urlOf, type Place } from './places.js'
import type { PageState } from './state.js'

/**
 * A link to a place of the page: a real link (it can be opened in a new tab or copied), followed in the page
 * without reloading it.
 */
export function placeLink(
  state: PageState,
  place: Place,
  text: string,
  attributes: Record<string, string | undefined> = {}
): HTMLAnchorElement {
  const link = el('a', { ...attributes, href: urlOf(place), text })
  link.addEventListener('click', (click) => {
    if (click.ctrlKey || click.metaKey || click.shiftKey || click.button !== 0) return
    click.preventDefault()
    state.go(place)
  })
  return link
}
