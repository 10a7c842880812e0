// Build the survey form from the survey document, read the answers back, validate, show errors.
// Its words come with the survey: survey.texts.form, and survey.texts.fields for the problems.

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
export function validate(survey, answers) {
  const errors = {}
  for (const q of survey.questions) {
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

/**
 * Render the form; return {$form, collect, showErrors}.
 *
 * Each question is a fieldset whose legend is the question, so a screen reader announces the
 * question when focus enters any of its options (NVDA, JAWS and VoiceOver all read the legend).
 */
export function renderForm(survey, answers, onSubmit) {
  const T = survey.texts.form
  const PROBLEMS = survey.texts.fields
  const byKey = {}
  const $summary = h('div', { class: 'summary', tabindex: '-1', role: 'alert', hidden: true })
  const $submit = h('button', { type: 'submit' }, T.submit)
  const $status = h('p', { class: 'status', role: 'status' })
  const $form = h('form', { novalidate: true, onsubmit: onSubmit }, $summary)
  let $group = null

  for (const q of survey.questions) {
    const key = q.key
    const value = answers[key]
    const $error = h('p', { class: 'err', id: 'e-' + key, hidden: true })
    const title = [q.text, q.required ? ' ' + T.required_mark : null]
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
    } else {
      const multi = q.type === 'multi'
      const options = q.type === 'rating'
        ? q.scale.map((text, i) => ({ key: String(i + 1), text })).concat(q.allow_na ? [{ key: 'na', text: T.not_applicable }] : [])
        : q.options
      const picked = [].concat(value == null ? [] : value).map(String)
      $control = h('div', { class: q.type === 'rating' ? 'opts' : 'opts col' }, options.map((o) =>
        h('label', { class: 'opt' },
          h('input', { type: multi ? 'checkbox' : 'radio', name: key, value: o.key, checked: picked.includes(o.key) }),
          h('span', {}, o.text))))
      if (multi && q.max < options.length) $fieldset.append(h('p', { class: 'hint' }, fill(T.up_to, q)))
      $fieldset.append($error, $control)
    }
    byKey[key] = { q, $fieldset, $error, $control }

    // A grid of ratings is a run of rating questions sharing a group: one outer fieldset.
    if (!q.group) $group = null
    else if (!$group || $group.dataset.group !== q.group) {
      $group = h('fieldset', { class: 'group', 'data-group': q.group }, h('legend', {}, q.group_text || ''))
      $form.append($group)
    }
    ;($group || $form).append($fieldset)
  }
  $form.append(h('div', { class: 'actions' }, $submit), $status)

  function collect() {
    const result = {}
    for (const key in byKey) {
      const { q, $control } = byKey[key]
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
          const $first = $fieldset.querySelector('input,textarea')
          $first.focus()
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

  return { $form, $submit, $status, collect, showErrors }
}
