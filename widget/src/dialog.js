// The widget: one host element, one shadow root holding the banner and the modal <dialog>.

import { getSurvey, postResponse } from './api.js'
import { BOOT, THANKS } from './messages.js'
import { h, renderForm, validate } from './render.js'
import { loadState, saveState, uuid } from './store.js'
import { CSS, SAFE, safeColor, themeCss } from './styles.js'

const DEFAULT_COLOR = '#0b5cab'
const STORED = [200, 201, 409] // 409: this id is already stored, the visitor's answer is in

/** Build the widget for the settings; return the public {open, close}. */
export function createWidget(cfg) {
  const B = BOOT[cfg.lang]
  const bannerColor = cfg.color ? safeColor(cfg.color) : DEFAULT_COLOR
  // Staff preview (admin panel): nothing is sent and nothing is remembered.
  let state = cfg.preview ? {} : loadState(cfg.office)
  let survey = null
  let T = null // the survey's own words (survey.texts.form), once it is here
  let surveyPromise = null
  let form = null
  let sending = false

  const $host = document.createElement('ocen-urzad')
  const root = $host.attachShadow({ mode: 'open' })
  const theme = (dialogColor) => themeCss(bannerColor, dialogColor, !!cfg.target)
  let setTheme
  if (root.adoptedStyleSheets && window.CSSStyleSheet && 'replaceSync' in CSSStyleSheet.prototype) {
    const base = new CSSStyleSheet()
    const themed = new CSSStyleSheet()
    base.replaceSync(CSS)
    root.adoptedStyleSheets = [base, themed]
    setTheme = (color) => themed.replaceSync(theme(color))
  } else {
    // Older browsers without constructable stylesheets (a strict CSP would block this one).
    const $style = h('style', {}, CSS)
    const $theme = h('style')
    root.append($style, $theme)
    setTheme = (color) => { $theme.textContent = theme(color) }
  }
  setTheme(bannerColor === SAFE ? SAFE : bannerColor)

  const $banner = h('button', {
    type: 'button',
    class: 'banner' + (cfg.target ? ' inline' : cfg.left ? ' left' : ''),
    'aria-haspopup': 'dialog',
    onclick: open,
    // The survey is fetched only when the visitor reaches for the banner, never on page view.
    onpointerenter: prefetch,
    onfocus: prefetch,
  }, cfg.label || B.banner)
  const $title = h('h2', { id: 'ou-title', tabindex: '-1' }, B.title)
  const $body = h('div', { class: 'body' })
  const $dialog = h('dialog', { 'aria-labelledby': 'ou-title', lang: cfg.lang, onclose: handleClose },
    h('div', { class: 'head' }, $title, h('button', { type: 'button', class: 'close alt', onclick: close },
      B.close, h('span', { 'aria-hidden': 'true' }, ' ×'))),
    $body)
  root.append($banner, $dialog)

  function mount() {
    const $target = cfg.target && document.querySelector(cfg.target)
    ;($target || document.body).append($host)
    // An answer that could not be sent last time is retried on the next page view.
    if (state.pending) send()
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount)
  else mount()

  function prefetch() {
    // After an answer this session is not asked again, so there is nothing to fetch.
    if (state.done) return
    surveyPromise = surveyPromise || getSurvey(cfg.surveyUrl).catch((error) => {
      surveyPromise = null
      throw error
    })
    surveyPromise.catch(() => {})
    return surveyPromise
  }

  function show(...children) {
    $body.replaceChildren(...(cfg.preview ? [h('p', { class: 'note' }, B.preview)] : []), ...children)
  }

  async function open() {
    if (!$dialog.open) $dialog.showModal()
    // Focus the heading, so a screen reader announces the dialog's title first.
    $title.focus()
    if (state.done) return showThanks()
    show(h('p', { role: 'status' }, B.loading))
    try {
      survey = await prefetch()
    } catch {
      const $retry = h('button', { type: 'button', onclick: open }, B.retry)
      show(h('p', { role: 'alert' }, B.load_fail),
        h('div', { class: 'actions' }, $retry, h('a', { href: cfg.pageUrl, target: '_blank', rel: 'noopener' }, B.open_page)))
      $retry.focus()
      return
    }
    const color = safeColor(survey.office && survey.office.look && survey.office.look.color)
    setTheme(color)
    $title.textContent = survey.title || B.title
    T = survey.texts.form
    if (!state.id) {
      const answers = {}
      if (cfg.department) answers.department = cfg.department
      state = { id: uuid(), started: Date.now(), answers }
    }
    form = renderForm(survey, state.answers || {}, handleSubmit)
    form.$form.addEventListener('change', remember)
    form.$form.addEventListener('input', remember)
    const privacy = survey.office && survey.office.privacy_url
    show(survey.intro ? h('p', {}, survey.intro) : null, form.$form,
      privacy ? h('p', { class: 'foot' }, h('a', { href: privacy, target: '_blank', rel: 'noopener' }, T.privacy)) : null)
  }

  function close() {
    $dialog.close()
  }

  function handleClose() {
    // Back to where the visitor was: the banner that opened the dialog.
    $banner.focus({ preventScroll: true })
  }

  function remember() {
    state.answers = form.collect()
    if (!cfg.preview) saveState(cfg.office, state)
  }

  function handleSubmit(event) {
    event.preventDefault()
    // aria-disabled rather than disabled while sending: a disabled button drops keyboard focus.
    if (sending) return
    const answers = form.collect()
    if (form.showErrors(validate(survey, answers))) return
    if (cfg.preview) return showThanks()
    state.pending = {
      id: state.id,
      version: survey.version,
      lang: survey.lang || cfg.lang,
      channel: 'widget',
      elapsed_ms: Date.now() - state.started,
      website: '',
      answers,
    }
    saveState(cfg.office, state)
    send()
  }

  async function send() {
    sending = true
    setStatus(form && T.sending)
    const result = await postResponse(cfg.responsesUrl, state.pending)
    sending = false
    if (STORED.includes(result.status)) {
      // Forget what was typed; remember only that this session has answered.
      state = { done: true }
      saveState(cfg.office, state)
      if ($dialog.open) showThanks()
      return
    }
    const body = result.status ? result.body : {}
    if (result.status) {
      // Refused for a reason a retry will not fix: the visitor corrects it and sends again.
      delete state.pending
      saveState(cfg.office, state)
    }
    if (!form || !$dialog.open) return
    // The server's texts in the visitor's language: message (Polish), message_en, message_uk.
    const own = (name) => body[cfg.lang === 'pl' ? name : name + '_' + cfg.lang] || body[name + '_en']
    if (body.field_codes && form.showErrors(body.field_codes, own('fields'))) {
      setStatus('')
    } else {
      setStatus((result.status && own('message')) || T.send_fail, true)
    }
  }

  function setStatus(text, bad) {
    if (!form) return
    form.$status.textContent = text
    form.$status.classList.toggle('bad', !!bad)
    if (bad) form.$status.setAttribute('role', 'alert')
    form.$submit.setAttribute('aria-disabled', sending)
    form.$submit.textContent = sending ? T.sending : T.submit
  }

  function showThanks() {
    form = null
    const $thanks = h('p', { class: 'big', tabindex: '-1' }, THANKS[cfg.lang].title)
    show($thanks, h('p', {}, THANKS[cfg.lang].body), h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: close }, B.close)))
    $thanks.focus()
  }

  return { open, close }
}
