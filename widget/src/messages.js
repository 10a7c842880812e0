// What the widget shows before it has the survey (and the thank-you, shown without fetching it
// again), in Polish, English and Ukrainian. The texts live in the resident catalog the collector
// reads too (collector/resident_texts/*.json); esbuild keeps only the two sections imported here.
// Everything shown with the survey comes in the survey document's `texts`, in its language.

import { thanks as enThanks, widget_boot as en } from '../../collector/resident_texts/en.json'
import { thanks as plThanks, widget_boot as pl } from '../../collector/resident_texts/pl.json'
import { thanks as ukThanks, widget_boot as uk } from '../../collector/resident_texts/uk.json'

export const BOOT = { pl, en, uk }
export const THANKS = { pl: plThanks, en: enThanks, uk: ukThanks }

/** Fill a catalog text's {name} placeholders from params (the same syntax the collector uses). */
export const fill = (text, params) => text.replace(/\{(\w+)\}/g, (match, name) => params[name])
