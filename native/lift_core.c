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

void lift_core_forward(const float *R z, int zs, const float *R dk, const float *R db,
                       const float *R pk, const float *R pb, const int *R idx,
                       int outer, int len, int inner, int c, int k,
                       float *R hid, float *R y, const float *R a, int as, int mode, float *R out) {
#define CASE(CC) \
  case CC: \
    forward4(z, zs, dk, db, pk, pb, idx, outer, len, inner, CC, k, hid, y, a, as, mode, out); \
    return;
  switch (c) {
    CASE(8)
    CASE(16)
    CASE(32)
    CASE(64)
    default:
      if (c % 4 == 0) forward4(z, zs, dk, db, pk, pb, idx, outer, len, inner, c, k, hid, y, a, as, mode, out);
      else forward(z, zs, dk, db, pk, pb, idx, outer, len, inner, c, k, hid, y, a, as, mode, out);
  }
#undef CASE
}

void lift_core_backward(const float *R dy, int negate, const float *R y, const float *R hid,
                        const float *R z, int zs, const float *R dk, const float *R pk, const int *R idx,
                        int outer, int len, int inner, int c, int k,
                        float *R dz, int dzs, float *R ddk, float *R ddb, float *R dpk, float *R dpb,
                        float *R scratch) {
#define CASE(CC) \
  case CC: \
    backward4(dy, negate, y, hid, z, zs, dk, pk, idx, outer, len, inner, CC, k, dz, dzs, ddk, ddb, dpk, dpb, scratch, 0, 0, 0); \
    return;
  switch (c) {
    CASE(8)
    CASE(16)
    CASE(32)
    CASE(64)
    default:
      if (c % 4 == 0) backward4(dy, negate, y, hid, z, zs, dk, pk, idx, outer, len, inner, c, k, dz, dzs, ddk, ddb, dpk, dpb, scratch, 0, 0, 0);
      else backward(dy, negate, y, hid, z, zs, dk, pk, idx, outer, len, inner, c, k, dz, dzs, ddk, ddb, dpk, dpb, scratch, 0, 0, 0);
  }
#undef CASE
}

void lift_core_backward_rows(const float *R dy, int negate, const float *R y, const float *R hid,
                             const float *R z, int zs, const float *R dk, const float *R pk, const int *R idx,
                             int outer, int len, int inner, int c, int k, float *R dz, int dzs,
                             float *R G, float *R GP, float *R scratch) {
#define CASE(CC) \
  case CC: \
    backward4(dy, negate, y, hid, z, zs, dk, pk, idx, outer, len, inner, CC, k, dz, dzs, 0, 0, 0, 0, scratch, 1, G, GP); \
    return;
  switch (c) {
    CASE(8)
    CASE(16)
    CASE(32)
    CASE(64)
    default:
      if (c % 4 == 0) backward4(dy, negate, y, hid, z, zs, dk, pk, idx, outer, len, inner, c, k, dz, dzs, 0, 0, 0, 0, scratch, 1, G, GP);
      else backward(dy, negate, y, hid, z, zs, dk, pk, idx, outer, len, inner, c, k, dz, dzs, 0, 0, 0, 0, scratch, 1, G, GP);
  }
#undef CASE
}

/* Adds acc[c0..c1) into out and zeroes it (flush on a channel range). */
static void flush_range(float *R out, float *R acc, int c0, int c1) {
  for (int j = c0; j < c1; j++) {
    out[j] += acc[j];
    acc[j] = 0.f;
  }
}

static void weights_scalar(const float *R hid, const float *R G, const float *R GP, const float *R z, int zs,
                           const int *R idx, int outer, int len, int inner, int c, int k, int c0, int c1,
                           float *R ddk, float *R ddb, float *R dpk, float *R dpb, float *R scratch) {
  const int positions = inner / c;
  float *aPk = scratch;
  float *aDk = aPk + c * c;
  float *aDb = aDk + k * c;
  float *aPb = aDb + c;
  zero(scratch, c * c + k * c + 2 * c);
  for (int a = 0; a < c; a++)
    for (int b = c0; b < c1; b++) dpk[a * c + b] = 0.f;
  for (int t = 0; t < k; t++)
    for (int ch = c0; ch < c1; ch++) ddk[t * c + ch] = 0.f;
  for (int ch = c0; ch < c1; ch++) ddb[ch] = dpb[ch] = 0.f;
  int pending = 0;
  for (int o = 0; o < outer; o++) {
    for (int i = 0; i < len; i++) {
      const int *src = idx + i;
      for (int p = 0; p < positions; p++) {
        const int base = (o * len + i) * inner + p * c;
        const float *gr = G + base;
        const float *gpr = GP + base;
        const float *hr = hid + base;
        for (int ch = c0; ch < c1; ch++) {
          aPb[ch] += gr[ch];
          aDb[ch] += gpr[ch];
        }
        for (int a = 0; a < c; a++) {
          const float h = hr[a];
          float *row = aPk + a * c;
          for (int b = c0; b < c1; b++) row[b] += h * gr[b];
        }
        for (int t = 0; t < k; t++) {
          const int s = src[t];
          if (s < 0) continue;
          const float *zr = z + (o * len + s) * zs + p * c;
          float *ad = aDk + t * c;
          for (int ch = c0; ch < c1; ch++) ad[ch] += gpr[ch] * zr[ch];
        }
        if (++pending == FLUSH_ROWS) {
          for (int a = 0; a < c; a++) flush_range(dpk + a * c, aPk + a * c, c0, c1);
          for (int t = 0; t < k; t++) flush_range(ddk + t * c, aDk + t * c, c0, c1);
          flush_range(ddb, aDb, c0, c1);
          flush_range(dpb, aPb, c0, c1);
          pending = 0;
        }
      }
    }
  }
  for (int a = 0; a < c; a++) flush_range(dpk + a * c, aPk + a * c, c0, c1);
  for (int t = 0; t < k; t++) flush_range(ddk + t * c, aDk + t * c, c0, c1);
  flush_range(ddb, aDb, c0, c1);
  flush_range(dpb, aPb, c0, c1);
}

__attribute__((export_name("lift_backward_weights")))
void lift_backward_weights(const float *R hid, const float *R G, const float *R GP, const float *R z, int zs,
                           const int *R idx, int outer, int len, int inner, int c, int k, int c0, int c1,
                           float *R ddk, float *R ddb, float *R dpk, float *R dpb, float *R scratch) {
  if (c % 4 != 0 || c0 % 4 != 0 || c1 % 4 != 0) {
    weights_scalar(hid, G, GP, z, zs, idx, outer, len, inner, c, k, c0, c1, ddk, ddb, dpk, dpb, scratch);
    return;
  }
#define CASE(CC) \
  case CC: \
    weights4(hid, G, GP, z, zs, idx, outer, len, inner, CC, k, c0, c1, ddk, ddb, dpk, dpb, scratch); \
    return;
  switch (c) {
    CASE(8)
    CASE(16)
    CASE(32)
    CASE(64)
    default:
      weights4(hid, G, GP, z, zs, idx, outer, len, inner, c, k, c0, c1, ddk, ddb, dpk, dpb, scratch);
  }
#undef CASE
}
