/*
 * The strided heap copy of the project's wasm module (linked with lift_filter.c by
 * scripts/build-wasm.sh). Like the filter, it runs inside the TF.js wasm backend's own memory and
 * keeps nothing in memory of its own.
 */
#include <wasm_simd128.h>

#define R __restrict__

/*
 * Strided copy for the Slice/SplitV/Concat kernels (src/backend/kernels/heap-copy.ts): `rows` runs
 * of `run` bytes, from src + r·srcStride to dst + r·dstStride (byte offsets; the buffers do not
 * overlap). Short runs, e.g. 16 channels when an even/odd split takes every other group of C
 * floats, otherwise cost a JS loop per element.
 */
__attribute__((export_name("copy_runs")))
void copy_runs(unsigned char *R dst, const unsigned char *R src, int rows, int run, int srcStride, int dstStride) {
  if (run % 16 == 0) {
    for (int r = 0; r < rows; r++) {
      const unsigned char *s = src + r * srcStride;
      unsigned char *d = dst + r * dstStride;
      for (int j = 0; j < run; j += 16) wasm_v128_store(d + j, wasm_v128_load(s + j));
    }
  } else if (run % 4 == 0) {
    for (int r = 0; r < rows; r++) {
      const int *s = (const int *)(src + r * srcStride);
      int *d = (int *)(dst + r * dstStride);
      for (int j = 0; j < run / 4; j++) d[j] = s[j];
    }
  } else {
    for (int r = 0; r < rows; r++) {
      const unsigned char *s = src + r * srcStride;
      unsigned char *d = dst + r * dstStride;
      for (int j = 0; j < run; j++) d[j] = s[j];
    }
  }
}
