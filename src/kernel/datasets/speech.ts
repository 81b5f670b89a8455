/**
 * `speech.load()`: 400 one-second clips of the words "zero".."nine" in 40 synthetic voices
 * (espeak-ng; see samples/data/speech/NOTICE.md), bundled with tfnb. The split is by voice: the
 * eight test speakers are never heard in training, so test accuracy measures new voices.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { DatasetContext } from './datasetContext';
import type { SpeechSplit, SpeechData, VoiceInfo, SpeechLoader } from '../../api/datasets';
export type { SpeechSplit, SpeechData, VoiceInfo } from '../../api/datasets';

interface ClipInfo {
  digit: number;
  speaker: string;
  accent: string;
  variant: string;
  speed: number;
  pitch: number;
}
interface SpeechIndex {
  sampleRate: number;
  samplesPerClip: number;
  classes: string[];
  clips: ClipInfo[];
}

/** Every fifth voice (s04, s09, …, s39) is for testing: 8 of 40, one per accent. */
export function isTestSpeaker(speaker: string): boolean {
  return Number(speaker.slice(1)) % 5 === 4;
}

export function createSpeech(ctx: DatasetContext): SpeechLoader {
  return {
    async load(): Promise<SpeechData> {
      const dir = join(ctx.bundledDataDir, 'speech');
      const indexFile = join(dir, 'spoken-digits.json');
      const pcmFile = join(dir, 'spoken-digits.pcm.gz');
      if (!existsSync(indexFile) || !existsSync(pcmFile))
        throw new Error(`speech.load: the spoken digits are missing from ${dir} (a tfnb build writes them: npm run build)`);
      const index = JSON.parse(readFileSync(indexFile, 'utf8')) as SpeechIndex;
      const bytes = gunzipSync(readFileSync(pcmFile));
      const perClip = index.samplesPerClip;
      if (bytes.length !== index.clips.length * perClip * 2) {
        throw new Error(`speech.load: ${pcmFile} holds ${bytes.length} bytes, not ${index.clips.length} clips × ${perClip} int16 samples`);
      }
      const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
      const chosen = (test: boolean) => index.clips.map((c, i) => ({ c, i })).filter(({ c }) => isTestSpeaker(c.speaker) === test);
      const split = (test: boolean): SpeechSplit => {
        const clips = chosen(test);
        const audio = new Float32Array(clips.length * perClip);
        clips.forEach(({ i }, row) => {
          for (let k = 0; k < perClip; k++) audio[row * perClip + k] = pcm[i * perClip + k]! / 32768;
        });
        return {
          audio: ctx.tf.tensor2d(audio, [clips.length, perClip], 'float32'),
          labels: ctx.tf.tensor1d(
            Int32Array.from(clips, ({ c }) => c.digit),
            'int32',
          ),
          speakers: clips.map(({ c }) => c.speaker),
        };
      };
      const train = split(false);
      const test = split(true);
      const voices = new Map<string, VoiceInfo>();
      for (const { speaker, accent, variant, speed, pitch } of index.clips) {
        if (!voices.has(speaker))
          voices.set(speaker, { speaker, accent, variant, speed, pitch, split: isTestSpeaker(speaker) ? 'test' : 'train' });
      }
      const voiceCount = (s: SpeechSplit) => new Set(s.speakers).size;
      return {
        train,
        test,
        sampleRate: index.sampleRate,
        classes: [...index.classes],
        voices: [...voices.values()],
        source: `${index.clips.length} spoken digits (1 s, ${index.sampleRate} Hz) synthesised with espeak-ng in ${voices.size} voices, bundled with tfnb (MIT); train ${train.speakers.length} clips from ${voiceCount(train)} voices, test ${test.speakers.length} from ${voiceCount(test)} other voices: ${dir}`,
      };
    },
  };
}
