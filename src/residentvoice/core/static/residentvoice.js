// Progressive enhancement only: every page works without this file.
import { initAll } from './govuk-frontend.min.js'

initAll()

// A table's scroll region takes keyboard focus so that it can be scrolled without a mouse; where
// the table fits, that stop would only be in the way, so it is taken out (and put back if the
// window narrows).
const regions = document.querySelectorAll('.rv-table-scroll')
const fitRegion = (region) => {
  if (region.scrollWidth > region.clientWidth) {
    region.setAttribute('tabindex', '0')
  } else {
    region.removeAttribute('tabindex')
  }
}
if (regions.length && 'ResizeObserver' in window) {
  const observer = new ResizeObserver((entries) => entries.forEach((entry) => fitRegion(entry.target)))
  regions.forEach((region) => observer.observe(region))
}
