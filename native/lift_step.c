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
 * Backward, with the gradient of the step's output g: predict: dx_even = dz_P (the filter's input
 * gradient for dy = −g), dx_odd = g; update: dd = dz_U (for dy = g), dx_even = g, dx_odd = −0;
 * residual: ds = g (by the caller), dx_even = −0, dx_odd = −g. −0 is the additive identity of
 * float addition (x + −0 = x for every x, +0 included), so the sum TF.js forms of the step's
 * contributions to dx equals, bit for bit, the split path's per-half sums.
 */
#include "lift_core.h"

enum { STEP_PREDICT = 1, STEP_UPDATE = 2 };

/* The rows × inner floats at src (row stride ss) into dst (row stride ds), negated when neg. */
static void copy_rows(const float *R src, int ss, float *R dst, int ds, int rows, int inner, int neg) {
  for (int r = 0; r < rows; r++) {
    const float *a = src + r * ss;
    float *b = dst + r * ds;
    if (neg)
      for (int j = 0; j < inner; j++) b[j] = -a[j];
    else
      for (int j = 0; j < inner; j++) b[j] = a[j];
  }
}

static void fill_rows(float *R dst, int ds, int rows, int inner, float v) {
  for (int r = 0; r < rows; r++) {
    float *b = dst + r * ds;
    for (int j = 0; j < inner; j++) b[j] = v;
  }
}

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

/* g: the gradient of d (predict) or s (update); dx: [outer, len, 2·inner]; dd: the gradient of d
 * (update only); the filter's weight gradients as lift_filter_backward. */
__attribute__((export_name("lift_step_backward")))
void lift_step_backward(const float *R g, const float *R y, const float *R hid, const float *R x,
                        const float *R d, const float *R dk, const float *R pk, const int *R idx,
                        int outer, int len, int inner, int c, int k, int step,
                        float *R dx, float *R dd, float *R ddk, float *R ddb, float *R dpk, float *R dpb,
                        float *R scratch) {
  const int xs = 2 * inner;
  const int rows = outer * len;
  if (step == STEP_PREDICT) {
    lift_core_backward(g, 1, y, hid, x, xs, dk, pk, idx, outer, len, inner, c, k, dx, xs, ddk, ddb, dpk, dpb, scratch);
    copy_rows(g, inner, dx + inner, xs, rows, inner, 0);
  } else {
    lift_core_backward(g, 0, y, hid, d, inner, dk, pk, idx, outer, len, inner, c, k, dd, inner, ddk, ddb, dpk, dpb, scratch);
    copy_rows(g, inner, dx, xs, rows, inner, 0);
    fill_rows(dx + inner, xs, rows, inner, -0.f);
  }
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

/* The x part of the residual's gradient: dx_even = −0, dx_odd = −g. */
__attribute__((export_name("lift_odd_residual_backward")))
void lift_odd_residual_backward(const float *R g, int rows, int inner, float *R dx) {
  fill_rows(dx, 2 * inner, rows, inner, -0.f);
  copy_rows(g, inner, dx + inner, 2 * inner, rows, inner, 1);
}
