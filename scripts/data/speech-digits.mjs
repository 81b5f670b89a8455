// Copies the spoken digits (samples/data/speech/, made by make-spoken-digits.sh there) into
// <out>/speech/, where `speech.load()` reads them at run time. Skips files already up to date.
// Usage: node scripts/data/speech-digits.mjs <out-dir>   (scripts/build.mjs passes dist/data)
import { copyDataSet } from '../copy-data.mjs';

copyDataSet('speech', ['spoken-digits.pcm.gz', 'spoken-digits.json', 'NOTICE.md']);
