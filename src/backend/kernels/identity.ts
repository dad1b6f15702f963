/**
 * `Identity` (replaces the wasm backend's; what `tf.clone` and every customGrad `save` run): shares
 * the buffer, as the cpu and webgl backends do, instead of copying it. TF.js never writes into a
 * tensor's buffer after creating it, and the backend's reference count frees it once every sharer
 * is disposed. String tensors go to the original.
 */
import { copyKernel } from './heap-copy.js';
import { inputsOf } from './shared.js';

export const identityConfig = copyKernel('Identity', (args, backend) => {
  const x = inputsOf(args).x;
  if (x.dtype === 'string') return null;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
});
