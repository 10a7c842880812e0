// All of the widget's CSS. It lives in the shadow root as a constructable stylesheet, so a host
// page whose CSP forbids inline styles still shows it. The :host rule resets every inherited
// property with !important: in the cascade, an !important rule from inside a shadow tree beats
// one from the page, so `* { font-size: 30px !important }` on the host page cannot reach in.
// Sizes are in px, not rem, because rem follows the host page's <html> font size.

const FONT = 'system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif'
const INK = '#1b1b1b'
const RED = '#b00020'
const FOCUS = `outline:3px solid ${INK};outline-offset:2px;box-shadow:0 0 0 2px #fff`

export const CSS = `:host{all:initial!important;display:block!important;font:16px/1.5 ${FONT}!important;color:${INK}!important;direction:ltr!important}
*{box-sizing:border-box;margin:0;padding:0;border:0;font:inherit;color:inherit;background:none;line-height:inherit;letter-spacing:normal;text-transform:none;text-align:left;text-decoration:none}
[hidden]{display:none!important}
button{display:inline-block;cursor:pointer;border-radius:6px;font-weight:700;padding:8px 16px;border:2px solid var(--c);background:var(--c);color:#fff}
button.alt{background:#fff;color:var(--c)}
button[aria-disabled=true]{cursor:progress}
a{color:var(--c);text-decoration:underline}
:focus-visible{${FOCUS}}
.banner{position:fixed;bottom:12px;right:12px;z-index:2147483000;max-width:calc(100vw - 24px);font-size:15px;line-height:1.3;border-color:#fff;background:var(--b);box-shadow:0 2px 6px rgba(0,0,0,.35)}
.left{right:auto!important;left:12px}
.banner.inline{position:static;box-shadow:none;border-color:var(--b)}
dialog{position:fixed;inset:0;margin:auto;width:calc(100% - 16px);max-width:640px;height:fit-content;max-height:calc(100% - 16px);overflow:auto;background:#fff;border-radius:8px;box-shadow:0 8px 32px rgba(0,0,0,.45);overscroll-behavior:contain}
dialog:not([open]){display:none}
dialog::backdrop{background:rgba(0,0,0,.55)}
@media (prefers-reduced-motion:no-preference){dialog[open]{animation:ou-in .2s ease-out}}
@keyframes ou-in{from{opacity:0;transform:translateY(16px)}}
.head{position:sticky;top:0;z-index:1;display:flex;gap:8px;align-items:flex-start;justify-content:space-between;padding:12px 16px;background:#fff;border-bottom:4px solid var(--c)}
h2{font-size:20px;font-weight:700;line-height:1.3;padding-top:4px}
h2:focus,.big:focus{outline:none;box-shadow:none}
.close{flex:none;padding:4px 10px}
.body{display:block;padding:8px 16px 16px}
p{display:block;margin:8px 0}
.note{padding:8px 12px;border-left:4px solid #7a5c00;background:#fff4ce}
fieldset{display:block;min-width:0;margin:20px 0 0}
legend{display:block;float:none;width:100%;font-weight:700;padding:0;margin:0 0 6px;white-space:normal}
.group{padding:8px 12px 12px;border:1px solid #949494;border-radius:6px}
.group>legend{font-size:18px;padding:0 4px;width:auto;max-width:100%}
.group fieldset{margin-top:12px}
.group fieldset legend{font-weight:400}
.opts{display:flex;flex-direction:column;gap:6px}
.rating{display:flex;flex-wrap:wrap;align-items:center;gap:8px 16px}
.scale{display:flex;gap:6px;flex:0 1 344px}
.pt{position:relative;flex:1 1 0;min-width:44px;max-width:64px;min-height:44px;display:flex;align-items:center;justify-content:center;padding:0;border:2px solid var(--c);border-radius:6px;background:#fff;color:var(--c);font-size:18px;font-weight:700;cursor:pointer}
.pt input{position:absolute;inset:0;width:100%;height:100%;opacity:0}
.pt:has(:checked),.pt[aria-pressed=true]{background:var(--c);color:#fff}
.pt:has(:focus-visible){${FOCUS}}
.ends{display:flex;justify-content:space-between;gap:12px;max-width:344px;flex:1 0 100%;font-size:14px;color:#4a4a4a;margin-top:-4px}
.group>.ends{margin:0}
.ends span:last-child{text-align:right}
.na{min-height:44px}
.step{font-size:16px;font-weight:700;color:#4a4a4a;margin-top:8px}
.step:focus{outline:none}
.step,fieldset{scroll-margin-top:96px}
.invite{position:fixed;bottom:64px;right:12px;z-index:2147483000;max-width:min(360px,calc(100vw - 24px));padding:12px 16px;background:#fff;border:2px solid var(--b);border-radius:8px;box-shadow:0 4px 16px rgba(0,0,0,.35)}
.invite .actions{margin-top:8px;gap:8px}
.invite button{padding:6px 12px}
label.opt{display:flex;align-items:center;gap:8px;min-height:40px;padding:6px 10px;border:1px solid #767676;border-radius:4px;cursor:pointer}
label.opt:has(:checked){border-color:var(--c);box-shadow:inset 0 0 0 1px var(--c)}
input{flex:none;width:20px;height:20px;margin:0;accent-color:var(--c);cursor:pointer}
textarea{display:block;width:100%;min-height:100px;padding:8px;border:2px solid #5a5a5a;border-radius:4px;background:#fff;resize:vertical}
.hint{font-size:14px;color:#4a4a4a;margin:4px 0}
.err{color:${RED};font-weight:700;margin:4px 0}
.invalid{border-left:4px solid ${RED};padding-left:10px}
.group.invalid,.group .invalid{border-left:4px solid ${RED}}
.summary{padding:12px 16px;margin:12px 0;border:3px solid ${RED};border-radius:6px}
.summary:focus{${FOCUS}}
.summary p{margin:0 0 6px;font-weight:700}
ul{display:block;list-style:disc;padding-left:20px}
li{display:list-item;margin:4px 0}
.summary a{color:${RED};font-weight:700}
.actions{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin-top:20px}
.status{margin:12px 0 0;font-weight:700}
.status.bad{color:${RED}}
.foot{font-size:14px;margin-top:20px}
.big{font-size:20px;font-weight:700}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`

/** Return the theme: the banner's and the dialog's colour, and the page space the banner reserves. */
export function themeCss(bannerColor, dialogColor, inline) {
  // The floating banner is fixed in a corner; the host element keeps its height at the end of
  // the page so the last lines of the page can scroll out from under the banner.
  return `:host{--b:${bannerColor}!important;--c:${dialogColor}!important;height:${inline ? 'auto' : '64px'}!important}`
}

/** Return the colour if white text on it has a contrast of at least 4.5:1, else a safe dark blue. */
export function safeColor(color) {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color || '')
  if (!m) return SAFE
  const hex = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1]
  const lum = [0, 2, 4].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  const l = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2]
  return 1.05 / (l + 0.05) >= 4.5 ? '#' + hex : SAFE
}

export const SAFE = '#1a4480'
