// Talk to the collector: fetch the survey, post a response with retries.

const RETRIES = 3
const BACKOFF_MS = 500

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Fetch the survey document (``fresh``: past the HTTP cache); reject on a network error or a non-2xx answer. */
export async function getSurvey(url, fresh) {
  const response = await fetch(url, fresh ? { cache: 'no-store' } : {})
  if (!response.ok) throw new Error('HTTP ' + response.status)
  return response.json()
}

/**
 * Post one response; resolve to {status, body}, status 0 when the collector could not be reached.
 *
 * A string body goes as text/plain, which keeps the cross-origin POST a simple request (no
 * preflight); keepalive lets it finish when the visitor leaves the page. Network errors and 5xx
 * are retried with a growing pause: the id makes a repeated post harmless. After a network error,
 * ``probe()`` tells whether the collector answers other requests: then the browser refused this
 * one (CORS: the page's origin is not allowed), which no retry will change.
 */
export async function postResponse(url, payload, probe) {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        body: JSON.stringify(payload),
        keepalive: true,
        credentials: 'omit',
      })
      if (response.status < 500) {
        return { status: response.status, body: await response.json().catch(() => ({})) }
      }
    } catch {
      if (attempt === 0 && probe && await probe()) return { status: 403, body: { error: 'origin_not_allowed' } }
      // Offline or the collector is down: retried below like a 5xx.
    }
    if (attempt >= RETRIES) return { status: 0, body: {} }
    await sleep(BACKOFF_MS * 2 ** attempt)
  }
}
