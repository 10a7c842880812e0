// The optional invitation (off unless the office turns it on in the panel): after a delay and/or on
// chosen paths, to a sample of visitors; never again for some days once the visitor answers or
// dismisses it. One localStorage flag, an expiry date and nothing else, set only on that action.

const FLAG = 'ocen-urzad:invite'
const DAY_MS = 864e5

/** Tell whether the flag says "not now": the visitor acted on the invitation less than N days ago. */
function snoozed() {
  try {
    return Date.parse(localStorage.getItem(FLAG)) > Date.now()
  } catch {
    return false // storage blocked: the sample and the session's own state still limit it
  }
}

/** Remember the visitor's answer to the invitation for ``days`` days. */
export function snooze(days) {
  try {
    localStorage.setItem(FLAG, new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10))
  } catch {
    // storage refused: the invitation may come back on another page view
  }
}

/** Tell whether a path pattern matches this page: exact, or a prefix when it ends with "*". */
const onPath = (pattern) => pattern.endsWith('*')
  ? location.pathname.startsWith(pattern.slice(0, -1))
  : location.pathname === pattern

/** Call show() after the office's delay if this page view is invited; never draws for a snoozed visitor. */
export function planInvite(invite, random, show) {
  if (!invite || snoozed()) return
  if (invite.paths.length && !invite.paths.some(onPath)) return
  if (random() * 100 >= invite.sample) return
  setTimeout(show, invite.delay * 1000)
}
