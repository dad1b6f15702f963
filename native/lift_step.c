/*
 * Whole lifting steps of LiftPool for the TF.js wasm backend, reading the even and odd samples of
 * the un-split input x with strides (no split copies), the subtract/add fused into the filter pass:
 *
 *   predict: d = x_odd − P(x_even)        update: s = x_even + U(d)        residual: u = s − x_odd
 *
 * x is [outer, len, 2·inner]: the even samples of a row are its first inner floats, the odd ones
 * the second (along width: x as [n·h, w/2, 2c]; along height: [n, h/2, 2·w·c]); d, s, u, hid and
 * y are [outer, len, inner]. The filter (P or U) is that of lift_filter.c (loops in lift_core.c),
 * with the same arithmetic in the same order, so the values and gradients are the floats of the
 * split path (split, filter, subtract/add) bit for bit.
 *
 * Backward: TF.js sums the gradient contributions of the ops that consume a tensor, so x (seen as
 * above) gets one contribution only, from the predict step's backward, which runs last: with g the
 * gradient of d, gs that of s (absent when s does not reach the loss) and gu that of u (absent
 * without the constraint losses), dx_even = dz_P + gs (dz_P: P's input gradient for dy = −g) and
 * dx_odd = −gu + g: the sums the split path forms per half (even: the gradients of s and of P's
 * input; odd: those of u = s − x_odd and of d = x_odd − P), in the same float operations. The
 * update step's backward gives dd = dz_U (U's input gradient for dy = gs) and U's weight gradients.
 */
#include "lift_core.h"

enum { STEP_PREDICT = 1, STEP_UPDATE = 2 };

/* predict (d unused): hid, y = P(x_even), out = d = x_odd − y; update: hid, y = U(d), out = s = x_even + y. */
__attribute__((export_name("lift_step_forward")))
void lift_step_forward(const float *R x, const float *R d, const float *R dk, const float *R db,
                       const float *R pk, const float *R pb, const int *R idx,
                       int outer, int len, int inner, int c, int k, int step,
                       float *R hid, float *R y, float *R out) {
  const int xs = 2 * inner;
  if (step == STEP_PREDICT)
    lift_core_forward(x, xs, dk, db, pk, pb, idx, outer, len, inner, c, k, hid, y, x + inner, xs, LIFT_OUT_SUB, out);
  else
    lift_core_forward(d, inner, dk, db, pk, pb, idx, outer, len, inner, c, k, hid, y, x, xs, LIFT_OUT_ADD, out);
}

/* The predict step's whole input gradient from P's input gradient already in the even halves of dx:
 * dx_even += gs, dx_odd = −gu + g (gs, gu: 0 when absent). */
static void predict_input_grad(const float *R g, const float *R gs, const float *R gu, int rows, int inner, float *R dx) {
  const int xs = 2 * inner;
  for (int r = 0; r < rows; r++) {
    float *ev = dx + r * xs;
    float *od = ev + inner;
    const float *gr = g + r * inner;
    if (gs) {
      const float *sr = gs + r * inner;
      for (int j = 0; j < inner; j++) ev[j] = ev[j] + sr[j];
    }
    if (gu) {
      const float *ur = gu + r * inner;
      for (int j = 0; j < inner; j++) od[j] = -ur[j] + gr[j];
    } else {
      for (int j = 0; j < inner; j++) od[j] = gr[j];
    }
  }
}

/* predict: g, gs, gu as above (gs, gu: 0 when absent), dx: [outer, len, 2·inner] (dd unused);
 * update: g = gs, dd: [outer, len, inner] (dx, gs, gu unused); the filter's weight gradients as
 * lift_filter_backward. */
__attribute__((export_name("lift_step_backward")))
void lift_step_backward(const float *R g, const float *R gs, const float *R gu, const float *R y, const float *R hid,
                        const float *R x, const float *R d, const float *R dk, const float *R pk, const int *R idx,
                        int outer, int len, int inner, int c, int k, int step,
                        float *R dx, float *R dd, float *R ddk, float *R ddb, float *R dpk, float *R dpb,
                        float *R scratch) {
  const int xs = 2 * inner;
  if (step != STEP_PREDICT) {
    lift_core_backward(g, 0, y, hid, d, inner, dk, pk, idx, outer, len, inner, c, k, dd, inner, ddk, ddb, dpk, dpb, scratch);
    return;
  }
  lift_core_backward(g, 1, y, hid, x, xs, dk, pk, idx, outer, len, inner, c, k, dx, xs, ddk, ddb, dpk, dpb, scratch);
  predict_input_grad(g, gs, gu, outer * len, inner, dx);
}

/* lift_step_backward's per-row part (dx or dd, and g, gp into G, GP) for a call split between
 * threads; the weight gradients then come from lift_backward_partials and lift_backward_fold (lift_core.h) with z = x
 * (row stride 2·inner, predict) or d (inner, update). */
__attribute__((export_name("lift_step_backward_rows")))
void lift_step_backward_rows(const float *R g, const float *R gs, const float *R gu, const float *R y, const float *R hid,
                             const float *R x, const float *R d, const float *R dk, const float *R pk, const int *R idx,
                             int outer, int len, int inner, int c, int k, int step,
                             float *R dx, float *R dd, float *R G, float *R GP, float *R scratch) {
  const int xs = 2 * inner;
  if (step != STEP_PREDICT) {
    lift_core_backward_rows(g, 0, y, hid, d, inner, dk, pk, idx, outer, len, inner, c, k, dd, inner, G, GP, scratch);
    return;
  }
  lift_core_backward_rows(g, 1, y, hid, x, xs, dk, pk, idx, outer, len, inner, c, k, dx, xs, G, GP, scratch);
  predict_input_grad(g, gs, gu, outer * len, inner, dx);
}

/* u = s − x_odd (s, u: rows × inner; x: rows × 2·inner). */
__attribute__((export_name("lift_odd_residual")))
void lift_odd_residual(const float *R s, const float *R x, int rows, int inner, float *R u) {
  for (int r = 0; r < rows; r++) {
    const float *sr = s + r * inner;
    const float *xr = x + r * 2 * inner + inner;
    float *ur = u + r * inner;
    for (int j = 0; j < inner; j++) ur[j] = sr[j] - xr[j];
  }
}
