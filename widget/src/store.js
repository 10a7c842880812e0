// What the visitor typed, kept in sessionStorage for this tab only (no cookies, no localStorage).

const PREFIX = 'ocen-urzad:'

/** Return the saved state of this office's survey: {id, started, answers, pending, done}. */
export function loadState(office) {
  try {
    return JSON.parse(sessionStorage.getItem(PREFIX + office)) || {}
  } catch {
    return {} // storage blocked (sandboxed frame, privacy mode): work without it
  }
}

/** Save the state; silently do without storage where the browser refuses it. */
export function saveState(office, state) {
  try {
    sessionStorage.setItem(PREFIX + office, JSON.stringify(state))
  } catch {
    // storage refused: the answers just are not kept across page views
  }
}

/** Return a random (version 4) UUID; crypto.randomUUID needs a secure context, this does not. */
export function uuid() {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6] & 15) | 64
  bytes[8] = (bytes[8] & 63) | 128
  const hex = [...bytes].map((b) => (b + 256).toString(16).slice(1)).join('')
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-')
}
