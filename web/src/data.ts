/** The image subsets written by web/prepare.ts: uint32 LE n, n labels, n·784 pixels (28×28 uint8). */
export interface ImageSet {
  n: number;
  labels: Uint8Array;
  pixels: Uint8Array;
}

export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Fashion-MNIST pixel statistics of the project's split (src/data/datasets.ts, DATASET_STATS). */
export const FASHION_STATS = { mean: 0.286, std: 0.3528 };

const cache = new Map<string, Promise<ImageSet>>();

export function loadImageSet(name: 'fashion-train' | 'fashion-test' | 'mnist-test'): Promise<ImageSet> {
  let p = cache.get(name);
  if (p == null) {
    p = fetch(`${import.meta.env.BASE_URL}data/${name}.bin`).then(async (r) => {
      if (!r.ok) throw new Error(`data/${name}.bin: HTTP ${r.status} (run \`npm run web\`, which prepares the data)`);
      const buf = new Uint8Array(await r.arrayBuffer());
      const n = new DataView(buf.buffer).getUint32(0, true);
      return { n, labels: buf.subarray(4, 4 + n), pixels: buf.subarray(4 + n, 4 + n + n * 784) };
    });
    cache.set(name, p);
  }
  return p;
}

/** Image `i` as floats in [0, 1]. */
export function imageAt(set: ImageSet, i: number): Float32Array {
  const out = new Float32Array(784);
  for (let j = 0; j < 784; j++) out[j] = set.pixels[i * 784 + j] / 255;
  return out;
}
