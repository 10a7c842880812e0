// Entry point: one widget per page, however many tags or loads; only window.OcenUrzad is global.

import { readConfig } from './config.js'
import { createWidget } from './dialog.js'

if (!window.OcenUrzad) {
  const cfg = readConfig(document.currentScript)
  if (cfg) window.OcenUrzad = Object.freeze(createWidget(cfg))
}
