// Bundle src/ into one minified, self-running dist/widget.js and write dist/manifest.json,
// which the collector's blueprint reads (content hash for the long-cached URL). Its texts come
// from the resident catalog (../collector/resident_texts/*.json, imported by src/messages.js).
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const OUT = new URL('./dist/', import.meta.url)
mkdirSync(OUT, { recursive: true })
await build({
  entryPoints: [new URL('./src/index.js', import.meta.url).pathname],
  outfile: new URL('widget.js', OUT).pathname,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome100', 'firefox101', 'safari16.4'],
  legalComments: 'none',
  charset: 'utf8',
})
const code = readFileSync(new URL('widget.js', OUT))
const hash = createHash('sha256').update(code).digest('hex').slice(0, 16)
writeFileSync(new URL('manifest.json', OUT), JSON.stringify({ file: 'widget.js', hash, bytes: code.length }) + '\n')
// Every visitor of a city's homepage pays these bytes: keep gzip under 8 KB.
console.log(`widget/dist/widget.js ${code.length} B (gzip ${gzipSync(code, { level: 9 }).length} B), hash ${hash}`)
