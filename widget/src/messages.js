// What the widget shows before it has the survey, in Polish, English and Ukrainian. The texts live
// in the resident catalog the collector reads too (collector/resident_texts/*.json); esbuild keeps
// only the section imported here. Everything shown with the survey (the steps, the thanks) comes in
// the survey document's `texts`, in its language; the thanks is kept with the session's state, so
// a visitor who has answered sees it again without a request.

import { widget_boot as en } from '../../collector/resident_texts/en.json'
import { widget_boot as pl } from '../../collector/resident_texts/pl.json'
import { widget_boot as uk } from '../../collector/resident_texts/uk.json'

export const BOOT = { pl, en, uk }

/** Fill a catalog text's {name} placeholders from params (the same syntax the collector uses). */
export const fill = (text, params) => text.replace(/\{(\w+)\}/g, (match, name) => params[name])
