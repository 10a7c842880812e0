// Build one step of the survey from the survey document, read its answers back, validate, show
// errors. Its words come with the survey: survey.texts.form, and survey.texts.fields for the problems.

import { fill } from './messages.js'

/** Create an element with attributes (on* become listeners) and children (strings become text). */
export function h(tag, attrs, ...children) {
  const $el = document.createElement(tag)
  for (const name in attrs) {
    const value = attrs[name]
    if (value == null || value === false) continue
    if (name.startsWith('on')) $el.addEventListener(name.slice(2), value)
    else $el.setAttribute(name, value === true ? '' : value)
  }
  $el.append(...children.flat().filter((c) => c != null && c !== false))
  return $el
}

const REQUIRED_CODE = { rating: 'required_rating', single: 'required_choice', multi: 'required_multi',
  department: 'required_department' }

/** Return {key: code} for the answers the collector would refuse; the same rules as the server. */
export function validate(questions, answers) {
  const errors = {}
  for (const q of questions) {
    const value = answers[q.key]
    if (value == null) {
      if (q.required) errors[q.key] = REQUIRED_CODE[q.type] || 'required'
    } else if (q.type === 'multi' && value.length > q.max) {
      errors[q.key] = 'too_many'
    } else if (q.type === 'text' && value.length > q.max_length) {
      errors[q.key] = 'too_long'
    }
  }
  return errors
}

/** Tell whether a question is shown: no condition, or its rating question's answer is in range. */
export function visible(q, answers) {
  const c = q.show_if
  const value = c && answers[c.question]
  return !c || (typeof value === 'number' && value >= c.min && value <= c.max)
}

/**
 * Split the questions into short steps: the first question alone (the one-click rating), then a
 * rating group, a run of conditional questions on one condition, a text question each on their
 * own, and the other questions two at a time.
 */
export function planSteps(questions) {
  const steps = []
  let kind = null
  questions.forEach((q, i) => {
    const c = q.show_if
    const next = i === 0 ? 'first' : c ? `if ${c.question} ${c.min} ${c.max}` : q.group ? 'group ' + q.group
      : q.type === 'text' ? 'text' + i : 'plain'
    const last = steps[steps.length - 1]
    if (next !== kind || (next === 'plain' && last.length >= 2)) steps.push([])
    steps[steps.length - 1].push(q)
    kind = next
  })
  return steps
}

/**
 * Render one step's questions; return {$form, $submit, $status, collect, showErrors, refresh}.
 *
 * Each question is a fieldset whose legend is the question, so a screen reader announces the
 * question when focus enters any of its options (NVDA, JAWS and VoiceOver all read the legend).
 * With ``onPick`` the step is the one-click rating: five buttons, and a press sends at once.
 */
export function renderStep(survey, questions, answers, { onSubmit, onPick, submitText, $top }) {
  const T = survey.texts.form
  const PROBLEMS = survey.texts.fields
  const byKey = {}
  const $summary = h('div', { class: 'summary', tabindex: '-1', role: 'alert', hidden: true })
  const $submit = onPick ? null : h('button', { type: 'submit' }, submitText)
  const $status = h('p', { class: 'status', role: 'status' })
  const $form = h('form', { novalidate: true, onsubmit: onSubmit }, $top, $summary)
  let $group = null

  for (const q of questions) {
    const key = q.key
    const value = answers[key]
    const $error = h('p', { class: 'err', id: 'e-' + key, hidden: true })
    const title = [q.text, q.required && !onPick ? ' ' + T.required_mark : null]
    // A text answer is one field: its legend holds a <label>, so the textarea is labelled visibly too.
    const $legend = h('legend', {}, q.type === 'text' ? h('label', { for: 'f-' + key }, title) : title)
    const $fieldset = h('fieldset', { id: 'q-' + key }, $legend)
    let $control
    if (q.type === 'text') {
      const $counter = h('p', { class: 'hint', id: 'c-' + key })
      $control = h('textarea', { id: 'f-' + key, name: key, rows: 4, 'aria-describedby': `h-${key} c-${key}`,
        oninput: count })
      $control.value = value || ''
      const hint = q.hint && q.hint !== T.personal ? q.hint + ' ' : ''
      $fieldset.append(h('p', { class: 'hint', id: 'h-' + key }, hint + T.personal), $error, $control, $counter)
      function count() {
        const left = q.max_length - $control.value.length
        $counter.textContent = fill(left < 0 ? T.chars_over : T.chars_left, { count: Math.abs(left) })
      }
      count()
    } else if (q.type === 'rating') {
      $control = ratingScale(q, value, onPick, T.not_applicable)
      $fieldset.append($error, $control)
    } else {
      const multi = q.type === 'multi'
      const picked = [].concat(value == null ? [] : value).map(String)
      $control = h('div', { class: 'opts' }, q.options.map((o) =>
        h('label', { class: 'opt' },
          h('input', { type: multi ? 'checkbox' : 'radio', name: key, value: o.key, checked: picked.includes(o.key) }),
          h('span', {}, o.text))))
      if (multi && q.max < q.options.length) $fieldset.append(h('p', { class: 'hint' }, fill(T.up_to, q)))
      $fieldset.append($error, $control)
    }
    byKey[key] = { q, $fieldset, $error, $control }

    // A grid of ratings is a run of rating questions sharing a group: one outer fieldset.
    if (!q.group) $group = null
    else if (!$group || $group.dataset.group !== q.group) {
      // The scale's words once for the group, not under every item.
      $group = h('fieldset', { class: 'group', 'data-group': q.group }, h('legend', {}, q.group_text || ''), ends(q))
      $form.append($group)
    }
    ;($group || $form).append($fieldset)
  }
  if ($submit) $form.append(h('div', { class: 'actions' }, $submit))
  $form.append($status)

  /** Return this step's answers; a hidden (conditional) question has none. */
  function collect() {
    const result = {}
    for (const key in byKey) {
      const { q, $fieldset, $control } = byKey[key]
      if ($fieldset.hidden) continue
      if (q.type === 'text') {
        const text = $control.value.trim()
        if (text) result[key] = text
      } else {
        const values = [...$control.querySelectorAll('input:checked')].map(($i) => $i.value)
        if (q.type === 'multi') {
          if (values.length) result[key] = values
        } else if (values.length) {
          result[key] = q.type === 'rating' && values[0] !== 'na' ? Number(values[0]) : values[0]
        }
      }
    }
    return result
  }

  /** Show or hide each conditional question for the answers as they are now. */
  function refresh(all) {
    for (const key in byKey) byKey[key].$fieldset.hidden = !visible(byKey[key].q, all)
  }
  refresh(answers)

  /** Show each error next to its question and all of them, linked, in the summary at the top. */
  function showErrors(errors, serverTexts) {
    const $items = []
    for (const key in byKey) {
      const { q, $fieldset, $error } = byKey[key]
      const code = errors[key]
      // The question's own limits fill {max} and {max_length}; a code this survey's texts lack keeps the server's words.
      const text = code && ((PROBLEMS[code] && fill(PROBLEMS[code], q)) || (serverTexts || {})[key] || PROBLEMS.required)
      $fieldset.classList.toggle('invalid', !!code)
      $error.hidden = !code
      $error.replaceChildren(...(code ? [h('span', { class: 'sr' }, T.error_prefix + ' '), text] : []))
      if (code) {
        $fieldset.setAttribute('aria-describedby', $error.id)
        const $link = h('a', { href: '#q-' + key, onclick: (event) => {
          // The fieldset is in a shadow root: the page's own #fragment navigation cannot reach it.
          event.preventDefault()
          $fieldset.querySelector('input,textarea,button').focus()
          $fieldset.scrollIntoView({ block: 'center' })
        } }, fill(T.summary_item, { question: q.text, problem: text }))
        $items.push(h('li', {}, $link))
      } else {
        $fieldset.removeAttribute('aria-describedby')
      }
    }
    $summary.hidden = !$items.length
    $summary.replaceChildren(h('p', {}, fill(T.summary, { count: $items.length })), h('ul', {}, $items))
    if ($items.length) $summary.focus()
    return $items.length
  }

  return { $form, $submit, $status, collect, showErrors, refresh, keys: Object.keys(byKey) }
}

/**
 * A rating as a scale: one row of five numbered targets with the scale's words at its two ends
 * (each target's accessible name is the number and its word), and "nie dotyczy" set apart below.
 * With ``onPick`` the targets are buttons that answer at once; otherwise radio buttons.
 */
function ratingScale(q, value, onPick, naText) {
  const $points = q.scale.map((word, i) => {
    const n = String(i + 1)
    const content = [h('span', { 'aria-hidden': 'true' }, n), h('span', { class: 'sr' }, `${n} — ${word}`)]
    return onPick
      ? h('button', { type: 'button', class: 'pt', onclick: () => onPick(q.key, i + 1) }, content)
      : h('label', { class: 'pt' },
        h('input', { type: 'radio', name: q.key, value: n, checked: String(value) === n }), content)
  })
  return h('div', { class: 'rating' },
    h('div', { class: 'scale' }, $points),
    q.group ? null : ends(q),
    q.allow_na && !onPick ? h('label', { class: 'opt na' },
      h('input', { type: 'radio', name: q.key, value: 'na', checked: value === 'na' }), h('span', {}, naText)) : null)
}

/** The scale's words at its two ends (hidden from screen readers: each target says its own). */
function ends(q) {
  const n = q.scale.length
  return h('div', { class: 'ends', 'aria-hidden': 'true' }, h('span', {}, '1 — ' + q.scale[0]), h('span', {}, `${n} — ${q.scale[n - 1]}`))
}
