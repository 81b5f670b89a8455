/**
 * A WAV (RIFF, 16-bit PCM) encoder: enough to play a clip in the notebook through an
 * <audio> element, without a dependency.
 */

/**
 * Encodes interleaved samples in [-1, 1] (values outside are clipped, NaN becomes silence) as
 * a 16-bit PCM WAV file.
 */
export function encodeWav(samples: ArrayLike<number>, sampleRate: number, channels = 1): Buffer {
  const dataBytes = samples.length * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16); // size of the fmt chunk
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(channels, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * channels * 2, 28); // bytes per second
  wav.writeUInt16LE(channels * 2, 32); // bytes per frame
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) {
    const v = Number(samples[i]);
    const clipped = Number.isNaN(v) ? 0 : Math.max(-1, Math.min(1, v));
    wav.writeInt16LE(Math.round(clipped * 32767), 44 + i * 2);
  }
  return wav;
}
