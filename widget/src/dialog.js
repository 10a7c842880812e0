// The widget: one host element, one shadow root holding the banner and the modal <dialog>.
//
// The dialog opens on the first question alone (the overall rating): a press on one of its five
// buttons stores the response at once. "Tell us more" then goes through short steps; each step
// sends every answer so far under the same response id, the last one with completed: true.

import { getSurvey, postResponse } from './api.js'
import { planInvite, snooze } from './invite.js'
import { BOOT, fill } from './messages.js'
import { h, planSteps, renderStep, validate, visible } from './render.js'
import { loadState, saveState, uuid } from './store.js'
import { CSS, SAFE, safeColor, themeCss } from './styles.js'

const DEFAULT_COLOR = '#0b5cab'
const STORED = [200, 201]

/** Build the widget for the settings; return the public {open, close}. */
export function createWidget(cfg) {
  const B = BOOT[cfg.lang]
  const bannerColor = cfg.color ? safeColor(cfg.color) : DEFAULT_COLOR
  // Staff preview (admin panel): nothing is sent and nothing is remembered.
  // state: {id, started, answers (typed), at (the step to show), sent (something is stored),
  //         pending (the payload being sent), done (the last step is stored)}
  let state = cfg.preview ? {} : loadState(cfg.office)
  let survey = null
  let steps = null
  let T = null // the survey's own words (survey.texts.form), once it is here
  let W = null // the step flow's words (survey.texts.widget_steps)
  let surveyPromise = null
  let form = null
  let sending = false

  const $host = document.createElement('ocen-urzad')
  const root = $host.attachShadow({ mode: 'open' })
  const theme = (dialogColor) => themeCss(bannerColor, dialogColor, !!cfg.target)
  // Constructable stylesheets (every browser since 2023): a page's CSP without 'unsafe-inline' allows them.
  const base = new CSSStyleSheet()
  const themed = new CSSStyleSheet()
  base.replaceSync(CSS)
  root.adoptedStyleSheets = [base, themed]
  const setTheme = (color) => themed.replaceSync(theme(color))
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
    // Not invited once this session has answered something.
    else if (!state.sent) planInvite(cfg.invite, cfg.random, invite)
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount)
  else mount()

  function invite() {
    if (state.sent || $dialog.open) return
    const I = cfg.invite.texts[cfg.lang] || cfg.invite.texts.pl
    const answer = (yes) => () => {
      snooze(cfg.invite.snooze)
      $invite.remove()
      if (yes) open()
      else $banner.focus({ preventScroll: true })
    }
    // Polite: announced when it appears, but focus stays where the visitor is.
    const $invite = h('section', { class: 'invite' + (cfg.left ? ' left' : ''), 'aria-label': I.label },
      h('p', { 'aria-live': 'polite' }, I.text),
      h('div', { class: 'actions' }, button(I.yes, answer(true)), button(I.no, answer(false), 1)))
    root.append($invite)
  }

  function prefetch() {
    // After the whole survey this session is not asked again, so there is nothing to fetch.
    if (state.thanks) return
    surveyPromise = surveyPromise || getSurvey(cfg.surveyUrl).catch((error) => {
      surveyPromise = null
      throw error
    })
    surveyPromise.catch(() => {})
    return surveyPromise
  }

  function show(...children) {
    form = null
    $dialog.scrollTop = 0
    // The staff preview's note comes with the draft's texts (shown once the survey is there).
    $body.replaceChildren(...(cfg.preview && W ? [h('p', { class: 'note' }, W.preview)] : []), ...children.filter(Boolean))
  }

  async function open() {
    root.querySelector('.invite')?.remove()
    if (!$dialog.open) $dialog.showModal()
    // Focus the heading, so a screen reader announces the dialog's title first.
    $title.focus()
    if (state.thanks) return showThanks()
    if (!survey) {
      show(h('p', { role: 'status' }, B.loading))
      try {
        survey = await prefetch()
      } catch {
        return screen(h('p', { role: 'alert' }, B.load_fail), [button(B.retry, open), pageLink()])
      }
      setTheme(safeColor(survey.office && survey.office.look && survey.office.look.color))
      $title.textContent = survey.title || B.title
      T = survey.texts.form
      W = survey.texts.widget_steps
      steps = planSteps(survey.questions)
    }
    if (state.done) return showThanks()
    // The collector says now, not after the visitor has answered, that this page may not post.
    if (survey.origin_allowed === false && !cfg.preview) return showRefused()
    if (!state.id) {
      const answers = {}
      if (cfg.department) answers.department = cfg.department
      state = { id: uuid(), started: Date.now(), answers, at: 0 }
    }
    if (state.sent && !state.more) showMore()
    else showStep(state.at || 0)
  }

  function close() {
    $dialog.close()
  }

  function handleClose() {
    // Back to where the visitor was: the banner that opened the dialog.
    $banner.focus({ preventScroll: true })
  }

  /** Return the index of the next step after ``i`` with a question to show, or -1. */
  function nextStep(i, answers) {
    for (let j = i + 1; j < steps.length; j++) if (steps[j].some((q) => visible(q, answers))) return j
    return -1
  }

  /** Show step ``i``: the first one is the one-click rating, the others say "Krok n z N" and are focused on it. */
  function showStep(i) {
    const answers = state.answers
    const shown = steps.map((_, j) => j).filter((j) => steps[j].some((q) => visible(q, answers)))
    const oneClick = i === 0 && steps[0].length === 1 && steps[0][0].type === 'rating'
    const $progress = i > 0 ? h('h3', { class: 'step', tabindex: '-1' },
      fill(W.step, { n: shown.indexOf(i) + 1, count: shown.length })) : null
    const privacy = survey.office && survey.office.privacy_url
    const step = renderStep(survey, steps[i], answers, {
      $top: $progress,
      onSubmit: (event) => { event.preventDefault(); submit(i) },
      onPick: oneClick && ((key, value) => {
        state.answers[key] = value
        submit(i, true)
      }),
      submitText: nextStep(i, answers) < 0 ? T.submit : W.next,
    })
    show(i === 0 && survey.intro ? h('p', {}, survey.intro) : null, step.$form,
      privacy ? h('p', { class: 'foot' }, h('a', { href: privacy, target: '_blank', rel: 'noopener' }, T.privacy)) : null)
    form = step
    form.step = i
    form.submitText = form.$submit && form.$submit.textContent
    form.$form.addEventListener('change', remember)
    form.$form.addEventListener('input', remember)
    if ($progress) $progress.focus()
    else (form.$form.querySelector('button,input') || $title).focus()
  }

  /** Keep what was typed in this step (sessionStorage), and show or hide conditional questions. */
  function remember() {
    const now = form.collect()
    for (const key of form.keys) {
      if (key in now) state.answers[key] = now[key]
      else delete state.answers[key]
    }
    form.refresh(state.answers)
    if (!cfg.preview) saveState(cfg.office, state)
  }

  function submit(i, picked) {
    // aria-disabled rather than disabled while sending: a disabled button drops keyboard focus.
    if (sending) return
    if (!picked) {
      remember()
      state.more = true // past the first question by the form, not by the one click
    }
    const shownHere = steps[i].filter((q) => visible(q, state.answers))
    if (form.showErrors(validate(shownHere, state.answers))) return
    const next = nextStep(i, state.answers)
    // Answers of questions whose condition is false are not sent (the collector would refuse them).
    const answers = {}
    for (const q of survey.questions) if (q.key in state.answers && visible(q, state.answers)) answers[q.key] = state.answers[q.key]
    // Every step is stored: the collector asks for the required answers only with completed: true.
    state.at = next < 0 ? i : next
    if (cfg.preview) return advance(next)
    state.pending = {
      id: state.id,
      version: survey.version,
      lang: survey.lang || cfg.lang,
      channel: 'widget',
      elapsed_ms: Date.now() - state.started,
      website: '',
      completed: next < 0,
      answers,
    }
    saveState(cfg.office, state)
    send(i, next)
  }

  /** After step i is stored: the thanks and "tell us more" after the first, the next step, or the end. */
  function advance(next) {
    if (next < 0) {
      state = cfg.preview ? {} : { done: true, sent: true, thanks: survey.texts.thanks }
      if (!cfg.preview) saveState(cfg.office, state)
      return showThanks()
    }
    if (!cfg.preview) saveState(cfg.office, state)
    if (!state.more) showMore()
    else showStep(next)
  }

  async function send(i, next) {
    sending = true
    setStatus(T && T.sending)
    // When the post cannot get through but the survey can still be read, the collector is
    // there and the browser refused the answer: this page's origin is not allowed.
    const probe = () => getSurvey(cfg.surveyUrl, true).then(() => true, () => false)
    const result = await postResponse(cfg.responsesUrl, state.pending, probe)
    sending = false
    const body = result.body || {}
    const completed = state.pending.completed
    if (STORED.includes(result.status) || (result.status === 409 && body.error !== 'update_drops_answer')) {
      // 409: this id is stored and cannot take more (the hour is over, another version): what
      // was sent stays, and the visitor is thanked.
      delete state.pending
      state.sent = true
      // Answered: the invitation, if the office has one, does not come back for its N days.
      if (cfg.invite) snooze(cfg.invite.snooze)
      if (i == null || !$dialog.open) {
        if (completed || result.status === 409) state = { done: true, sent: true, thanks: survey && survey.texts.thanks }
        saveState(cfg.office, state)
        return
      }
      return advance(completed || result.status === 409 ? -1 : next)
    }
    if (result.status) {
      // Refused for a reason a retry will not fix: the visitor corrects it and sends again.
      delete state.pending
      saveState(cfg.office, state)
    }
    if (result.status === 403 && body.error === 'origin_not_allowed') return $dialog.open && showRefused()
    if (!$dialog.open || i == null) return
    // The server's texts in the visitor's language: message (Polish), message_en, message_uk.
    const own = (name) => body[cfg.lang === 'pl' ? name : name + '_' + cfg.lang] || body[name + '_en']
    const codes = body.field_codes || {}
    // A field error belongs to the step that shows the question: go there to show it.
    const at = steps.findIndex((step) => step.some((q) => q.key in codes))
    if (at >= 0) {
      if (at !== form.step) showStep(at)
      state.at = at
      form.showErrors(codes, own('fields'))
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
    if (!form.$submit) return
    form.$submit.setAttribute('aria-disabled', sending)
    form.$submit.textContent = sending ? T.sending : form.submitText
  }

  function pageLink() {
    return h('a', { href: cfg.pageUrl, target: '_blank', rel: 'noopener' }, B.open_page)
  }

  const button = (text, onclick, alt) => h('button', { type: 'button', class: alt && 'alt', onclick }, text)

  /** Show a message and its actions, focusing the message (a screen reader reads it). */
  function screen($message, ...rest) {
    $message.tabIndex = -1
    show($message, ...rest.slice(0, -1), h('div', { class: 'actions' }, rest[rest.length - 1]))
    $message.focus()
  }

  /** The thanks after the first click, and the way on to the other steps. */
  function showMore() {
    const TH = survey.texts.thanks
    screen(h('p', { class: 'big' }, TH.title), h('p', {}, W.rating_saved), [
      button(W.more, () => showStep(state.at, (state.more = true))), button(B.close, close, 1)])
  }

  function showThanks() {
    const TH = state.thanks || survey.texts.thanks
    screen(h('p', { class: 'big' }, TH.title), h('p', {}, TH.body), button(B.close, close))
  }

  /** The collector does not take answers from this page: say so, and offer the hosted page. */
  function showRefused() {
    screen(h('p', { role: 'alert' }, W.refused), [pageLink(), button(B.close, close, 1)])
  }

  return { open, close }
}
