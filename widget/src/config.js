// Read the embed's settings from the data- attributes of its own <script> tag.

export const LANGS = ['pl', 'en', 'uk']

/** Return the widget's settings, or null when the tag lacks data-office. */
export function readConfig($script) {
  $script = $script || document.querySelector('script[data-office]')
  const data = $script && $script.dataset
  if (!data || !data.office) {
    console.warn('Oceń Urząd: the <script> tag needs data-office="…"')
    return null
  }
  // The collector is wherever the script came from, so the tag needs no second address.
  const origin = new URL($script.src, location.href).origin
  const pageLang = (document.documentElement.lang || '').slice(0, 2)
  const lang = [data.lang, pageLang].map((l) => (l || '').toLowerCase()).find((l) => LANGS.includes(l)) || 'pl'
  const office = encodeURIComponent(data.office)
  const department = data.department || ''
  return {
    office: data.office,
    lang,
    surveyUrl: data.surveyUrl
      ? new URL(data.surveyUrl, location.href).href
      : `${origin}/api/v1/offices/${office}/survey?lang=${lang}`,
    responsesUrl: `${origin}/api/v1/offices/${office}/responses`,
    pageUrl: `${origin}/s/${office}?lang=${lang}` + (department ? '&department=' + encodeURIComponent(department) : ''),
    left: data.position === 'bottom-left',
    target: data.target,
    department,
    label: data.label,
    color: data.color,
    preview: 'preview' in data,
  }
}
