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
    backward4(dy, negate, y, hid, z, zs, dk, pk, idx, outer, len, inner, CC, k, dz, dzs, ddk, ddb, dpk, dpb, scratch); \
    return;
  switch (c) {
    CASE(8)
    CASE(16)
    CASE(32)
    CASE(64)
    default:
      if (c % 4 == 0) backward4(dy, negate, y, hid, z, zs, dk, pk, idx, outer, len, inner, c, k, dz, dzs, ddk, ddb, dpk, dpb, scratch);
      else backward(dy, negate, y, hid, z, zs, dk, pk, idx, outer, len, inner, c, k, dz, dzs, ddk, ddb, dpk, dpb, scratch);
  }
#undef CASE
}
