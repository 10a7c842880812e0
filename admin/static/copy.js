// "Kopiuj" buttons of the panel: copy the field named by data-copy-target and say so in a live region.
// The result is announced through role="status", so screen-reader users hear that the copy worked
// without their focus moving; where the Clipboard API is refused (plain http, an old browser, a
// denied permission) the text is selected instead, so Ctrl+C copies it.
document.addEventListener('click', async (event) => {
  const $button = event.target.closest('[data-copy-target]')
  if (!$button) return
  const $field = document.getElementById($button.dataset.copyTarget)
  const $status = document.getElementById($button.dataset.copyStatus)
  let message
  try {
    await navigator.clipboard.writeText($field.value)
    message = $button.dataset.copiedText
  } catch (error) {
    $field.focus()
    $field.select()
    message = $button.dataset.selectedText
  }
  // Emptied first, so that a second copy is announced again.
  $status.textContent = ''
  requestAnimationFrame(() => { $status.textContent = message })
})
