/*
 * The LiftPool filter's core (see lift_core.h): the scalar (lift_scalar.h) and SIMD (lift_simd.h)
 * loops, dispatched on the channel count. Channel counts that are a multiple of 4 run the SIMD
 * versions, others the scalar loops; C = 8, 16, 32 and 64 get their own copy of the SIMD loop with
 * C known at compile time (fully unrolled over the channels, ~2-3x faster than C as a run-time
 * value).
 *
 * The module runs inside the wasm backend's own memory (imported), so it keeps nothing in memory
 * of its own: no stack, no static data. Every buffer, scratch space included, is passed in.
 * Build: scripts/build-wasm.sh (clang --target=wasm32 -msimd128).
 */
#include "lift_core.h"
#include "lift_scalar.h"
#include "lift_simd.h"

/* Runs SIMD(CC) with the channel count as a compile-time constant for C = 8, 16, 32 and 64, SIMD(c)
 * for other multiples of 4 and SCALAR(c) for the rest (define both, then DISPATCH(c)). */
#define DISPATCH(c)                   \
  switch (c) {                        \
    case 8: SIMD(8); return;          \
    case 16: SIMD(16); return;        \
    case 32: SIMD(32); return;        \
    case 64: SIMD(64); return;        \
    default:                          \
      if ((c) % 4 == 0) SIMD(c);      \
      else SCALAR(c);                 \
  }

void lift_core_forward(const float *R z, int zs, const float *R dk, const float *R db,
                       const float *R pk, const float *R pb, const int *R idx,
                       int outer, int len, int inner, int c, int k,
                       float *R hid, float *R y, const float *R a, int as, int mode, float *R out) {
#define SIMD(CC) forward4(z, zs, dk, db, pk, pb, idx, outer, len, inner, CC, k, hid, y, a, as, mode, out)
#define SCALAR(CC) forward(z, zs, dk, db, pk, pb, idx, outer, len, inner, CC, k, hid, y, a, as, mode, out)
  DISPATCH(c)
#undef SIMD
#undef SCALAR
}

void lift_core_backward(const float *R dy, int negate, const float *R y, const float *R hid,
                        const float *R z, int zs, const float *R dk, const float *R pk, const int *R idx,
                        int outer, int len, int inner, int c, int k,
                        float *R dz, int dzs, float *R ddk, float *R ddb, float *R dpk, float *R dpb,
                        float *R scratch) {
#define SIMD(CC) backward4(dy, negate, y, hid, z, zs, dk, pk, idx, outer, len, inner, CC, k, dz, dzs, ddk, ddb, dpk, dpb, scratch, 0, 0, 0)
#define SCALAR(CC) backward(dy, negate, y, hid, z, zs, dk, pk, idx, outer, len, inner, CC, k, dz, dzs, ddk, ddb, dpk, dpb, scratch, 0, 0, 0)
  DISPATCH(c)
#undef SIMD
#undef SCALAR
}

void lift_core_backward_rows(const float *R dy, int negate, const float *R y, const float *R hid,
                             const float *R z, int zs, const float *R dk, const float *R pk, const int *R idx,
                             int outer, int len, int inner, int c, int k, float *R dz, int dzs,
                             float *R G, float *R GP, float *R scratch) {
#define SIMD(CC) backward4(dy, negate, y, hid, z, zs, dk, pk, idx, outer, len, inner, CC, k, dz, dzs, 0, 0, 0, 0, scratch, 1, G, GP)
#define SCALAR(CC) backward(dy, negate, y, hid, z, zs, dk, pk, idx, outer, len, inner, CC, k, dz, dzs, 0, 0, 0, 0, scratch, 1, G, GP)
  DISPATCH(c)
#undef SIMD
#undef SCALAR
}

/* partials4 (lift_simd.h) for any C: the same sums with the scalar loops' order. */
static void partials_scalar(const float *R hid, const float *R G, const float *R GP, const float *R z, int zs,
                            const int *R idx, int len, int inner, int c, int k, int b0, int b1, int total,
                            float *R part) {
  const int positions = inner / c;
  const int per = c * c + k * c + 2 * c;
  for (int j = b0; j < b1; j++) {
    float *aPk = part + j * per;
    float *aDk = aPk + c * c;
    float *aDb = aDk + k * c;
    float *aPb = aDb + c;
    zero(aPk, per);
    const int first = j * FLUSH_ROWS;
    const int last = first + FLUSH_ROWS < total ? first + FLUSH_ROWS : total;
    for (int pos = first; pos < last; pos++) {
      const int q = pos / positions;
      const int p = pos - q * positions;
      const int o = q / len;
      const int i = q - o * len;
      const int *src = idx + i;
      const float *gr = G + pos * c;
      const float *gpr = GP + pos * c;
      const float *hr = hid + pos * c;
      for (int ch = 0; ch < c; ch++) aPb[ch] += gr[ch];
      for (int a = 0; a < c; a++) {
        const float h = hr[a];
        float *row = aPk + a * c;
        for (int b = 0; b < c; b++) row[b] += h * gr[b];
      }
      for (int ch = 0; ch < c; ch++) aDb[ch] += gpr[ch];
      for (int t = 0; t < k; t++) {
        const int s = src[t];
        if (s < 0) continue;
        const float *zr = z + (o * len + s) * zs + p * c;
        float *ad = aDk + t * c;
        for (int ch = 0; ch < c; ch++) ad[ch] += gpr[ch] * zr[ch];
      }
    }
  }
}

__attribute__((export_name("lift_backward_partials")))
void lift_backward_partials(const float *R hid, const float *R G, const float *R GP, const float *R z, int zs,
                            const int *R idx, int len, int inner, int c, int k, int b0, int b1, int total,
                            float *R part) {
#define SIMD(CC) partials4(hid, G, GP, z, zs, idx, len, inner, CC, k, b0, b1, total, part)
#define SCALAR(CC) partials_scalar(hid, G, GP, z, zs, idx, len, inner, CC, k, b0, b1, total, part)
  DISPATCH(c)
#undef SIMD
#undef SCALAR
}

__attribute__((export_name("lift_backward_fold")))
void lift_backward_fold(const float *R part, int blocks, int c, int k,
                        float *R ddk, float *R ddb, float *R dpk, float *R dpb) {
  const int per = c * c + k * c + 2 * c;
  zero(dpk, c * c);
  zero(ddk, k * c);
  zero(ddb, c);
  zero(dpb, c);
  for (int j = 0; j < blocks; j++) {
    const float *pj = part + j * per;
    for (int e = 0; e < c * c; e++) dpk[e] += pj[e];
    for (int e = 0; e < k * c; e++) ddk[e] += pj[c * c + e];
    for (int e = 0; e < c; e++) ddb[e] += pj[c * c + k * c + e];
    for (int e = 0; e < c; e++) dpb[e] += pj[c * c + k * c + c + e];
  }
}
