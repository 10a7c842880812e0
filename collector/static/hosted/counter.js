// A live character counter for the hosted page's text answers. The page works without it: the
// length limit is also stated in words and checked on the server.
for (const counter of document.querySelectorAll('[data-counter-for]')) {
  const field = document.getElementById(counter.dataset.counterFor)
  const max = Number(counter.dataset.max)
  const show = () => {
    const left = max - field.value.length
    counter.textContent = counter.dataset.text.replace('{count}', left)
    counter.classList.toggle('over', left < 0)
  }
  field.addEventListener('input', show)
  show()
  counter.hidden = false
}
