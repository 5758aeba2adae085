// Preloaded into an rpnc process by test/corpus/corpus.test.ts (node --import): when the process
// exits, write its peak resident set size (kilobytes) to $RPNC_PEAK_RSS_FILE.
import * as fs from 'node:fs';

process.on('exit', () => {
  if (process.env.RPNC_PEAK_RSS_FILE) fs.writeFileSync(process.env.RPNC_PEAK_RSS_FILE, String(process.resourceUsage().maxRSS));
});
