import { startWasm, tf } from './kernel/wasm/helpers';
import { ImageFront } from '../src/kernel/fused/trainStep/imageStages';
import { DenseTrainer } from '../src/kernel/fused/trainStep/denseStep';
import { buildModel, randomBatch } from '../bench/wasm/models';
const times = new Map<string, number>();
function wrap(proto: any, name: string) {
  const f = proto[name];
  proto[name] = function (...a: unknown[]) { const t = performance.now(); const r = f.apply(this, a); times.set(name, (times.get(name) ?? 0) + performance.now() - t); return r; };
}
for (const n of ['convForward', 'convBackward', 'poolForward', 'poolBackward']) wrap(ImageFront.prototype, n);
for (const n of ['step', 'adam']) wrap(DenseTrainer.prototype, n);
(async () => {
  await startWasm({ threads: 1 });
  await tf.setBackend('wasm');
  const net = buildModel(tf as any, 'cnn');
  const b = randomBatch(tf as any, 'cnn', 1);
  for (let i = 0; i < 5; i++) await net.trainOnBatch(b.xs, b.ys);
  times.clear();
  const N = 40; const t = performance.now();
  for (let i = 0; i < N; i++) await net.trainOnBatch(b.xs, b.ys);
  const total = (performance.now() - t) / N;
  console.log('step ms', total.toFixed(2), [...times].map(([k, v]) => `${k} ${(v / N).toFixed(2)}`).join(', '));
})();
import { createImageKernels } from '../src/kernel/wasm/simdImageKernels';
console.log('kernels', !!createImageKernels(new WebAssembly.Memory({ initial: 1 })));
