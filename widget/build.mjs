// Bundle src/ into one minified, self-running dist/widget.js and write dist/manifest.json,
// which the collector's blueprint reads (content hash for the long-cached URL).
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { build } from 'esbuild'

const OUT = new URL('./dist/', import.meta.url)
mkdirSync(OUT, { recursive: true })
await build({
  entryPoints: [new URL('./src/index.js', import.meta.url).pathname],
  outfile: new URL('widget.js', OUT).pathname,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15.4'],
  legalComments: 'none',
  charset: 'utf8',
})
const code = readFileSync(new URL('widget.js', OUT))
const hash = createHash('sha256').update(code).digest('hex').slice(0, 16)
writeFileSync(new URL('manifest.json', OUT), JSON.stringify({ file: 'widget.js', hash, bytes: code.length }) + '\n')
console.log(`widget/dist/widget.js ${code.length} B, hash ${hash}`)
