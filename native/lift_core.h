/*
 * The LiftPool predict/update filter's core loops (native/lift_core.c), shared by the filter's
 * entry points (lift_filter.c) and the whole-lifting-step entry points (lift_step.c):
 *
 *   F(z) = tanh(hid · P + pb),  hid = ReLU(depthwise_K(pad(z)) + db)   (along one spatial axis)
 *
 * Layout: hid, y, dy and `out` are [outer, len, inner] (inner = P·C: P positions of C channels),
 * element (o, i, p, ch) at ((o·len + i)·inner + p·C + ch). z, dz and `a` have the same rows but
 * their own row stride (zs, dzs, as floats from row (o, i) to row (o, i + 1)), so that they can be
 * the even or odd samples of an un-split tensor (x as [outer, len, 2·inner]: the even samples are
 * the first inner floats of each 2·inner row, the odd ones the second).
 */
#ifndef LIFT_CORE_H
#define LIFT_CORE_H

#define R __restrict__

/* What lift_core_forward writes besides hid and y, row by row: nothing, out = a − y (the
 * predict step d = x_odd − P(x_even)) or out = a + y (the update step s = x_even + U(d)). */
enum { LIFT_OUT_NONE = 0, LIFT_OUT_SUB = 1, LIFT_OUT_ADD = 2 };

/* Scratch floats lift_core_backward needs: 4c + 2c² + kc + FLUSH_ROWS·c (FLUSH_ROWS = 256). */

/* hid = ReLU(db + Σ_t dk[t]·z[src(i+t)]) (src: the pad index map idx, −1 a zero sample),
 * y = tanh(pb + hid·P), and (mode) out = a ∓ y. dk: [k, c]; pk: [c, c] (in, out). */
void lift_core_forward(const float *R z, int zs, const float *R dk, const float *R db,
                       const float *R pk, const float *R pb, const int *R idx,
                       int outer, int len, int inner, int c, int k,
                       float *R hid, float *R y, const float *R a, int as, int mode, float *R out);

/* Every gradient of the filter for the output gradient dy (−dy when negate): dz (rows zeroed,
 * then accumulated), ddk [k, c], ddb [c], dpk [c, c], dpb [c]. */
void lift_core_backward(const float *R dy, int negate, const float *R y, const float *R hid,
                        const float *R z, int zs, const float *R dk, const float *R pk, const int *R idx,
                        int outer, int len, int inner, int c, int k,
                        float *R dz, int dzs, float *R ddk, float *R ddb, float *R dpk, float *R dpb,
                        float *R scratch);

/* The backward's per-row part only, for one range of rows of a call split between threads:
 * dz as lift_core_backward, and per position g = dy·(1 − y²) into G and gp = (g·Pᵀ)·[hid > 0]
 * into GP ([outer, len, inner] each), from which lift_backward_partials and lift_backward_fold
 * sum the weight gradients in lift_core_backward's order (so they give its floats bit for bit).
 * Scratch: as lift_core_backward's. */
void lift_core_backward_rows(const float *R dy, int negate, const float *R y, const float *R hid,
                             const float *R z, int zs, const float *R dk, const float *R pk, const int *R idx,
                             int outer, int len, int inner, int c, int k, float *R dz, int dzs,
                             float *R G, float *R GP, float *R scratch);

/* The weight-gradient partial sums of the FLUSH_ROWS-position blocks b0 ≤ j < b1 of `total`
 * positions (the last block may be short or empty), from hid, G, GP and the filter input z (row
 * stride zs), each summed from zero in lift_core_backward's order into part + j·(c² + kc + 2c) as
 * [dpk c², ddk kc, ddb c, dpb c]. */
void lift_backward_partials(const float *R hid, const float *R G, const float *R GP, const float *R z, int zs,
                            const int *R idx, int len, int inner, int c, int k, int b0, int b1, int total,
                            float *R part);

/* ddk, ddb, dpk, dpb = the `blocks` partials added in block order from zero: lift_core_backward's
 * sums bit for bit when blocks = total / FLUSH_ROWS + 1 (its last, possibly empty, flush). */
void lift_backward_fold(const float *R part, int blocks, int c, int k,
                        float *R ddk, float *R ddb, float *R dpk, float *R dpb);

#endif
