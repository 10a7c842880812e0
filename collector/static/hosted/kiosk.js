// The kiosk's idle timer: back to the start page after some time without a touch, so the next
// person does not find someone else's half-answered survey. Without JavaScript a <noscript> meta
// refresh does the same, though it cannot wait for the last touch. What was sent stays stored.
const form = document.querySelector('form[data-idle-seconds]')
if (form) {
  const idleMs = Number(form.dataset.idleSeconds) * 1000
  let timer = 0
  const restart = () => {
    clearTimeout(timer)
    timer = setTimeout(() => window.location.assign(form.dataset.start), idleMs)
  }
  for (const type of ['pointerdown', 'keydown', 'input']) {
    document.addEventListener(type, restart, { passive: true })
  }
  restart()
}
