// The survey editor's enhancements; every page works without them (plain forms, server-drawn).
// - The question form shows only the fieldsets of the chosen type, at once (data-section), fills a
//   grid's titles when an existing grid is picked, and keeps the preview in step with the fields.
// - The version page reorders questions without a reload: "Przesuń" and drag and drop both post
//   {position} as JSON, then the table is redrawn from the server's page, so every number and
//   label stays the server's. The result is announced in a live region (role="status"), so
//   screen-reader users hear it while their focus stays on the moved question's controls.
// No inline scripts or handlers: the panel's CSP will not allow them.
(function () {
  'use strict'

  function csrfToken () {
    const $meta = document.querySelector('meta[name="csrf-token"]')
    return $meta ? $meta.content : ''
  }

  // -- the question form ------------------------------------------------------------------------

  function setupQuestionForm ($form) {
    const SECTIONS = JSON.parse($form.dataset.sections)
    const GRID_TITLES = JSON.parse($form.dataset.gridTitles)
    const $type = $form.querySelector('#type')
    const $group = $form.querySelector('#group')
    const $condition = $form.querySelector('#show_if_question')
    const $preview = document.getElementById('preview-body')
    const TEXTS = JSON.parse(document.getElementById('question-preview').dataset.texts)

    $form.querySelectorAll('[data-no-js]').forEach(($el) => { $el.hidden = true })

    function handleTypeChange () {
      const shown = SECTIONS[$type.value] || []
      $form.querySelectorAll('[data-section]').forEach(($section) => {
        $section.hidden = !shown.includes($section.dataset.section)
      })
    }

    function handleGroupChange (event) {
      const $titles = document.getElementById('group-titles')
      $titles.hidden = $group.value === ''
      const titles = GRID_TITLES[$group.value]
      if (event && titles) {
        Object.keys(titles).forEach((lang) => {
          const $field = document.getElementById('group_text_' + lang)
          if ($field) $field.value = titles[lang]
        })
      } else if (event && $group.value === '+new') {
        $titles.querySelectorAll('input').forEach(($field) => { $field.value = '' })
        document.getElementById('group_text_pl').focus()
      }
    }

    function handleConditionChange () {
      $form.querySelectorAll('[data-condition-range]').forEach(($range) => {
        $range.hidden = !$condition.value
      })
    }

    function value (id) {
      const $field = document.getElementById(id)
      return $field ? $field.value.trim() : ''
    }

    function checked (id) {
      const $field = document.getElementById(id)
      return Boolean($field && $field.checked)
    }

    function element (tag, className, text) {
      const $el = document.createElement(tag)
      if (className) $el.className = className
      if (text !== undefined) $el.textContent = text
      return $el
    }

    // The same markup the server draws in survey_question.html, from the fields' current values.
    function renderPreview () {
      const type = $type.value
      const $body = document.createDocumentFragment()
      const $note = document.getElementById('preview-condition')
      $note.hidden = !($condition && $condition.value && SECTIONS[type].includes('condition'))
      if (!$note.hidden) {
        const number = ($condition.selectedOptions[0].textContent.match(/^(\d+)\./) || [])[1] || '?'
        $note.textContent = TEXTS.condition
          .replace('%(min)s', value('show_if_min'))
          .replace('%(max)s', value('show_if_max'))
          .replace('%(n)s', number)
      }
      if (type === 'rating' && $group.value) {
        const title = value('group_text_pl') || ((GRID_TITLES[$group.value] || {}).pl || '')
        if (title) $body.append(element('p', 'pv-group', title))
      }
      const $question = element('p', 'pv-question', value('text_pl') || TEXTS.empty)
      if (checked('required')) {
        $question.append(' ', element('span', 'pv-required', TEXTS.required))
      }
      $body.append($question)
      if (value('hint_pl')) $body.append(element('p', 'pv-hint', value('hint_pl')))
      if (type === 'rating') {
        const $scale = element('div', 'pv-scale')
        for (let point = 1; point <= 5; point++) $scale.append(element('span', 'pv-point', String(point)))
        const $ends = element('div', 'pv-ends')
        $ends.append(element('span', '', value('scale_pl_1')), element('span', '', value('scale_pl_5')))
        $body.append($scale, $ends)
        if (checked('allow_na')) $body.append(element('span', 'pv-na', TEXTS.na))
      } else if (type === 'single' || type === 'multi' || type === 'department') {
        let options = TEXTS.departments
        if (type !== 'department') {
          options = []
          $form.querySelectorAll('#options tbody tr').forEach(($row, n) => {
            const text = value('options-' + n + '-pl')
            if (text || value('options-' + n + '-key')) options.push(text || TEXTS.option)
          })
        }
        const $list = element('ul', 'pv-options pv-' + (type === 'multi' ? 'multi' : 'single'))
        ;(options.length ? options : [TEXTS.option]).forEach((text) => $list.append(element('li', '', text)))
        $body.append($list)
        if (type === 'multi' && value('max_picks')) {
          $body.append(element('p', 'pv-hint', TEXTS.up_to.replace('{max}', value('max_picks'))))
        }
      } else if (type === 'text') {
        $body.append(element('div', 'pv-textarea'))
        $body.append(element('p', 'pv-hint',
          TEXTS.max_length.replace('{max_length}', value('max_length') || '2000') + ' ' + TEXTS.personal))
      }
      $preview.replaceChildren($body)
    }

    $type.addEventListener('change', handleTypeChange)
    $group.addEventListener('change', handleGroupChange)
    if ($condition) $condition.addEventListener('change', handleConditionChange)
    $form.addEventListener('input', renderPreview)
    $form.addEventListener('change', renderPreview)
    handleTypeChange()
    handleGroupChange()
    if ($condition) handleConditionChange()
    renderPreview()
  }

  // -- the version page: reorder ----------------------------------------------------------------

  function setupReorder ($table) {
    const $status = document.getElementById('move-status')
    let $dragged = null

    function announce (message, isError) {
      $status.classList.toggle('is-error', Boolean(isError))
      // Emptied first, so that the same message twice is announced twice.
      $status.textContent = ''
      window.requestAnimationFrame(() => { $status.textContent = message })
    }

    async function redraw (focusId) {
      const response = await fetch(window.location.pathname, { credentials: 'same-origin' })
      const page = new DOMParser().parseFromString(await response.text(), 'text/html')
      const $fresh = page.querySelector('#questions tbody')
      if ($fresh) $table.tBodies[0].replaceWith(document.adoptNode($fresh))
      prepareRows()
      const $select = document.getElementById('position-' + focusId)
      if ($select && focusId) $select.focus()
    }

    async function move ($row, position) {
      let body = {}
      let ok = false
      try {
        const response = await fetch($row.dataset.positionUrl, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken() },
          body: JSON.stringify({ position })
        })
        ok = response.ok
        body = await response.json().catch(() => ({}))
      } catch (error) {
        body = {}
      }
      await redraw($row.dataset.questionId)
      announce(body.message || $table.dataset.failText || '', !ok)
    }

    function handleSubmit (event) {
      const $form = event.target.closest('[data-move-form]')
      if (!$form) return
      event.preventDefault()
      move($form.closest('tr'), Number($form.elements.position.value))
    }

    function rowsOf () {
      return Array.from($table.tBodies[0].rows)
    }

    function handleDragStart (event) {
      $dragged = event.target.closest('tr')
      if (!$dragged) return
      event.dataTransfer.effectAllowed = 'move'
      event.dataTransfer.setData('text/plain', $dragged.dataset.questionId)
      $dragged.classList.add('is-dragged')
    }

    function handleDragOver (event) {
      const $row = event.target.closest('tr')
      if (!$dragged || !$row || $row.parentNode !== $table.tBodies[0]) return
      event.preventDefault()
      rowsOf().forEach(($r) => $r.classList.remove('drop-before', 'drop-after'))
      if ($row !== $dragged) {
        const before = rowsOf().indexOf($row) < rowsOf().indexOf($dragged)
        $row.classList.add(before ? 'drop-before' : 'drop-after')
      }
    }

    function handleDrop (event) {
      const $row = event.target.closest('tr')
      if (!$dragged || !$row) return
      event.preventDefault()
      const $moved = $dragged
      const position = rowsOf().indexOf($row) + 1
      handleDragEnd()
      if ($row !== $moved) move($moved, position)
    }

    function handleDragEnd () {
      rowsOf().forEach(($r) => $r.classList.remove('drop-before', 'drop-after', 'is-dragged'))
      $dragged = null
    }

    function prepareRows () {
      rowsOf().forEach(($row) => { $row.draggable = true })
    }

    $table.classList.add('is-draggable')
    $table.addEventListener('submit', handleSubmit)
    $table.addEventListener('dragstart', handleDragStart)
    $table.addEventListener('dragover', handleDragOver)
    $table.addEventListener('drop', handleDrop)
    $table.addEventListener('dragend', handleDragEnd)
    prepareRows()
  }

  const $form = document.getElementById('question-form')
  if ($form) setupQuestionForm($form)
  const $table = document.querySelector('table[data-reorder]')
  if ($table) setupReorder($table)
})()
