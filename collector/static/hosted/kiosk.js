// The kiosk's timers, for a tablet in the office hall shared by everyone who passes:
// - the thank-you goes back to the start after a few seconds (data-return-seconds);
// - the start page, untouched, reloads hourly so that its form's signed token stays fresh;
// - any other state, untouched for a while, warns first, with a button to stay (WCAG 2.2.1:
//   at least 20 s to ask for more time), then goes back to the start, so the next person does
//   not find someone else's half-answered survey. What was sent stays stored.
// Without JavaScript a <noscript> meta refresh goes back instead, without the warning.
const thanks = document.querySelector('[data-return-seconds]')
if (thanks) {
  setTimeout(() => window.location.assign(thanks.dataset.start), Number(thanks.dataset.returnSeconds) * 1000)
}

const form = document.querySelector('form[data-idle-seconds]')
const $idle = document.getElementById('idle')
if (form && $idle) {
  const $text = document.getElementById('idle-text')
  const $stay = document.getElementById('idle-stay')
  const warnSeconds = Number($text.dataset.seconds)
  let touched = false
  let timer = 0
  let countdown = 0

  const goToStart = () => window.location.assign(form.dataset.start)
  const handleIdle = () => {
    if (!touched) return goToStart() // an untouched start page: reload it quietly
    let left = warnSeconds
    const show = () => { $text.textContent = $text.dataset.text.replace('{seconds}', left) }
    show()
    $idle.hidden = false
    $idle.setAttribute('role', 'alert')
    $stay.focus()
    countdown = setInterval(() => {
      left -= 1
      if (left <= 0) goToStart()
      else show()
    }, 1000)
  }
  const handleActivity = () => {
    touched = true
    clearTimeout(timer)
    clearInterval(countdown)
    if (!$idle.hidden) $idle.hidden = true
    timer = setTimeout(handleIdle, Number(form.dataset.idleSeconds) * 1000)
  }
  for (const type of ['pointerdown', 'keydown', 'input']) {
    document.addEventListener(type, handleActivity, { passive: true })
  }
  $stay.addEventListener('click', handleActivity)
  const refresh = form.dataset.refreshSeconds
  timer = setTimeout(handleIdle, Number(refresh || form.dataset.idleSeconds) * 1000)
  touched = !refresh // pages after the start were touched to get there
}
