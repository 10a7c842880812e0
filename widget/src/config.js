// The widget's settings: the office's own (baked into /o/<slug>.js by the collector) and the
// data- attributes of the <script> tag, which override them (/widget.js has only the latter).
/* global __OCEN_CFG__ */

export const LANGS = ['pl', 'en', 'uk']

/** Return the widget's settings, or null when neither the script nor its tag names an office. */
export function readConfig($script) {
  // Declared around the bundle by /o/<slug>.js; an unbound name in /widget.js, hence typeof.
  const baked = typeof __OCEN_CFG__ === 'object' ? __OCEN_CFG__ : {}
  $script = $script || document.querySelector('script[data-office]')
  const data = ($script && $script.dataset) || {}
  const slug = data.office || baked.office
  if (!slug) {
    console.warn('Oceń Urząd: the <script> tag needs data-office="…"')
    return null
  }
  // The collector is wherever the script came from, so the tag needs no second address.
  const origin = new URL($script ? $script.src : location.href, location.href).origin
  const offered = baked.languages || LANGS
  const pageLang = (document.documentElement.lang || '').slice(0, 2)
  const lang = [data.lang, pageLang].map((l) => (l || '').toLowerCase())
    .find((l) => LANGS.includes(l) && offered.includes(l)) || 'pl'
  const office = encodeURIComponent(slug)
  const department = data.department || ''
  const preview = 'preview' in data
  return {
    office: slug,
    lang,
    surveyUrl: data.surveyUrl
      ? new URL(data.surveyUrl, location.href).href
      : `${origin}/api/v1/offices/${office}/survey?lang=${lang}`,
    responsesUrl: `${origin}/api/v1/offices/${office}/responses`,
    pageUrl: `${origin}/s/${office}?lang=${lang}` + (department ? '&department=' + encodeURIComponent(department) : ''),
    left: (data.position || baked.position) === 'bottom-left',
    target: data.target,
    department,
    label: data.label || baked.label,
    color: data.color || baked.color,
    preview,
    invite: preview ? null : baked.invite,
    // Tests inject a seeded generator here to make the invitation's sampling repeatable.
    random: typeof window.__OCEN_RANDOM__ === 'function' ? window.__OCEN_RANDOM__ : Math.random,
  }
}
