/*
 * The LiftPool predict/update filter for the TF.js wasm backend, forward and backward:
 *
 *   F(z) = tanh(hid · P + pb),  hid = ReLU(depthwise_K(pad(z)) + db)   (along one spatial axis)
 *
 * lift_filter_forward computes hid and y = F(z) in one pass over the rows of C channels, reading
 * the boundary extension through the pad index map src (−1: a zero sample) instead of a padded copy.
 * lift_filter_backward computes every gradient in one pass: g = dy·(1 − y²), dpb = Σg,
 * dpk = hidᵀg, gp = (g·Pᵀ)·[hid > 0], ddb = Σgp, and the depthwise backward through the boundary
 * extension, dz[src(i+t)] += dk[t]·gp[i] and ddk[t] += gp[i]·z[src(i+t)]. On the backend's kernels
 * these are ~6 and ~25 kernel launches, each a full pass over memory, plus a JS pass for the boundary.
 * The loops are in lift_core.c; the whole lifting steps built on them are in lift_step.c.
 *
 * Build: scripts/build-wasm.sh (clang --target=wasm32 -msimd128), which links it with lift_core.c,
 * lift_step.c and copy_runs.c into the project's wasm module, src/backend/wasm-module.generated.ts.
 *
 * Layout: tensors of shape [outer, len, inner] with inner = P·C (P positions of C channels);
 * element (o, i, p, ch) is at ((o·len + i)·inner + p·C + ch).
 */
#include "lift_core.h"

/* z, y: [outer, len, inner]; hid: [outer·len·inner/c, c] (the same order); dk: [k, c]; pk: [c, c];
 * idx: [len + k − 1] source index along the axis of each padded sample. */
__attribute__((export_name("lift_filter_forward")))
void lift_filter_forward(const float *R z, const float *R dk, const float *R db, const float *R pk,
                         const float *R pb, const int *R idx, int outer, int len, int inner, int c, int k,
                         float *R hid, float *R y) {
  lift_core_forward(z, inner, dk, db, pk, pb, idx, outer, len, inner, c, k, hid, y, 0, 0, LIFT_OUT_NONE, 0);
}

/* dy, y, hid, z, dz: [outer, len, inner]; dk, ddk: [k, c]; pk, dpk: [c, c] (in, out); ddb, dpb: [c];
 * scratch: 4c + 2c² + kc + 256c floats (FLUSH_ROWS rows of g for the SIMD version). */
__attribute__((export_name("lift_filter_backward")))
void lift_filter_backward(const float *R dy, const float *R y, const float *R hid, const float *R z,
                          const float *R dk, const float *R pk, const int *R idx,
                          int outer, int len, int inner, int c, int k,
                          float *R dz, float *R ddk, float *R ddb, float *R dpk, float *R dpb,
                          float *R scratch) {
  lift_core_backward(dy, 0, y, hid, z, inner, dk, pk, idx, outer, len, inner, c, k, dz, inner, ddk, ddb, dpk, dpb, scratch);
}

/* lift_filter_backward's per-row part (dz, and g, gp into G, GP) for a call split between threads;
 * the weight gradients then come from lift_backward_partials and lift_backward_fold (lift_core.h). */
__attribute__((export_name("lift_filter_backward_rows")))
void lift_filter_backward_rows(const float *R dy, const float *R y, const float *R hid, const float *R z,
                               const float *R dk, const float *R pk, const int *R idx,
                               int outer, int len, int inner, int c, int k,
                               float *R dz, float *R G, float *R GP, float *R scratch) {
  lift_core_backward_rows(dy, 0, y, hid, z, inner, dk, pk, idx, outer, len, inner, c, k, dz, inner, G, GP, scratch);
}
