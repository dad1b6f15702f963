/*
 * SIMD versions of the LiftPool filter loops (lift_scalar.h) for C a multiple of 4 (the common
 * case), included by lift_core.c: the same arithmetic in the same order as the scalar loops, so
 * both give the same floats, written with wasm SIMD intrinsics because the auto-vectoriser gives
 * up on the fully unrolled loops of small compile-time C.
 */
#include <wasm_simd128.h>

typedef v128_t V;
#define LD(ptr) wasm_v128_load(ptr)
#define ST(ptr, v) wasm_v128_store(ptr, v)
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define SPLAT wasm_f32x4_splat

/* tanh_f on four lanes. */
static inline V tanh4(V x) {
  V v = MUL(wasm_f32x4_abs(x), SPLAT(-2.f));
  v = wasm_f32x4_pmax(SPLAT(-87.f), v);
  const V n = wasm_f32x4_floor(ADD(MUL(v, SPLAT(1.44269504088896341f)), SPLAT(0.5f)));
  const V f = SUB(SUB(v, MUL(n, SPLAT(0.693145751953125f))), MUL(n, SPLAT(1.42860682030941723212e-6f)));
  V p = SPLAT(1.f / 5040.f);
  p = ADD(MUL(p, f), SPLAT(1.f / 720.f));
  p = ADD(MUL(p, f), SPLAT(1.f / 120.f));
  p = ADD(MUL(p, f), SPLAT(1.f / 24.f));
  p = ADD(MUL(p, f), SPLAT(1.f / 6.f));
  p = ADD(MUL(p, f), SPLAT(0.5f));
  p = ADD(MUL(p, f), SPLAT(1.f));
  p = ADD(MUL(p, f), SPLAT(1.f));
  const V scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  const V e = MUL(p, scale);
  const V t = wasm_f32x4_div(SUB(SPLAT(1.f), e), ADD(SPLAT(1.f), e));
  return wasm_v128_or(t, wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000u)));
}

/* out[0..c) = init[0..c) + Σ_a s[a]·M[a·c + (0..c)], in blocks of 16 outputs held in registers;
 * each block is passed to `fin` (tanh4 or the ReLU-mask step) through the macro below. */
#define ROW_MATVEC(c, init, s, M, BLOCK_DONE)                                            \
  for (int ob = 0; ob < (c); ob += 16) {                                                 \
    if ((c) - ob >= 16) {                                                                \
      V a0 = (init) ? LD((init) + ob) : wasm_f32x4_splat(0.f);                           \
      V a1 = (init) ? LD((init) + ob + 4) : wasm_f32x4_splat(0.f);                       \
      V a2 = (init) ? LD((init) + ob + 8) : wasm_f32x4_splat(0.f);                       \
      V a3 = (init) ? LD((init) + ob + 12) : wasm_f32x4_splat(0.f);                      \
      for (int a = 0; a < (c); a++) {                                                    \
        const V h = SPLAT((s)[a]);                                                       \
        const float *r = (M) + a * (c) + ob;                                             \
        a0 = ADD(a0, MUL(h, LD(r)));                                                     \
        a1 = ADD(a1, MUL(h, LD(r + 4)));                                                 \
        a2 = ADD(a2, MUL(h, LD(r + 8)));                                                 \
        a3 = ADD(a3, MUL(h, LD(r + 12)));                                                \
      }                                                                                  \
      BLOCK_DONE(ob, a0);                                                                \
      BLOCK_DONE(ob + 4, a1);                                                            \
      BLOCK_DONE(ob + 8, a2);                                                            \
      BLOCK_DONE(ob + 12, a3);                                                           \
    } else {                                                                             \
      for (int q = ob; q < (c); q += 4) {                                                \
        V a0 = (init) ? LD((init) + q) : wasm_f32x4_splat(0.f);                          \
        for (int a = 0; a < (c); a++) a0 = ADD(a0, MUL(SPLAT((s)[a]), LD((M) + a * (c) + q))); \
        BLOCK_DONE(q, a0);                                                               \
      }                                                                                  \
    }                                                                                    \
  }

static inline __attribute__((always_inline))
void forward4(const float *R z, int zs, const float *R dk, const float *R db, const float *R pk, const float *R pb,
              const int *R idx, int outer, int len, int inner, const int c, int k,
              float *R hid, float *R y, const float *R addend, int as, int mode, float *R out) {
  const int positions = inner / c;
  const V zero = wasm_f32x4_splat(0.f);
  for (int o = 0; o < outer; o++) {
    for (int i = 0; i < len; i++) {
      const int *src = idx + i;
      for (int p = 0; p < positions; p++) {
        const int base = (o * len + i) * inner + p * c;
        float *hr = hid + base;
        float *yr = y + base;
        for (int cb = 0; cb < c; cb += 4) {
          V acc = LD(db + cb);
          for (int t = 0; t < k; t++) {
            const int s = src[t];
            if (s < 0) continue;
            acc = ADD(acc, MUL(LD(dk + t * c + cb), LD(z + (o * len + s) * zs + p * c + cb)));
          }
          ST(hr + cb, wasm_f32x4_pmax(zero, acc));
        }
#define Y_DONE(at, v) ST(yr + (at), tanh4(v))
        ROW_MATVEC(c, pb, hr, pk, Y_DONE)
#undef Y_DONE
        if (mode) {
          const float *ar = addend + (o * len + i) * as + p * c;
          float *outr = out + base;
          if (mode == LIFT_OUT_SUB)
            for (int cb = 0; cb < c; cb += 4) ST(outr + cb, SUB(LD(ar + cb), LD(yr + cb)));
          else
            for (int cb = 0; cb < c; cb += 4) ST(outr + cb, ADD(LD(ar + cb), LD(yr + cb)));
        }
      }
    }
  }
}

/* dpk[a, :] += Σ_r hb[r·c + a] · gb[r·c + :] for the rows a0 ≤ a < a1 of dpk (even bounds) over
 * `rows` consecutive rows (hidᵀg of one block), two rows of dpk × 16 columns at a time in
 * registers. Each element is the same sum whatever the range of rows. */
static inline __attribute__((always_inline))
void block_outer_range(const float *R hb, const float *R gb, int rows, const int c, float *R dpk, int a0, int a1) {
  for (int a = a0; a < a1; a += 2) {
    int ob = 0;
    for (; ob + 16 <= c; ob += 16) {
      V x0 = wasm_f32x4_splat(0.f), x1 = x0, x2 = x0, x3 = x0, y0 = x0, y1 = x0, y2 = x0, y3 = x0;
      for (int r = 0; r < rows; r++) {
        const float *gr = gb + r * c + ob;
        const V g0 = LD(gr), g1 = LD(gr + 4), g2 = LD(gr + 8), g3 = LD(gr + 12);
        const V h0 = SPLAT(hb[r * c + a]), h1 = SPLAT(hb[r * c + a + 1]);
        x0 = ADD(x0, MUL(h0, g0));
        x1 = ADD(x1, MUL(h0, g1));
        x2 = ADD(x2, MUL(h0, g2));
        x3 = ADD(x3, MUL(h0, g3));
        y0 = ADD(y0, MUL(h1, g0));
        y1 = ADD(y1, MUL(h1, g1));
        y2 = ADD(y2, MUL(h1, g2));
        y3 = ADD(y3, MUL(h1, g3));
      }
      float *d0 = dpk + a * c + ob;
      float *d1 = d0 + c;
      ST(d0, ADD(LD(d0), x0));
      ST(d0 + 4, ADD(LD(d0 + 4), x1));
      ST(d0 + 8, ADD(LD(d0 + 8), x2));
      ST(d0 + 12, ADD(LD(d0 + 12), x3));
      ST(d1, ADD(LD(d1), y0));
      ST(d1 + 4, ADD(LD(d1 + 4), y1));
      ST(d1 + 8, ADD(LD(d1 + 8), y2));
      ST(d1 + 12, ADD(LD(d1 + 12), y3));
    }
    for (; ob < c; ob += 4) {
      V x0 = wasm_f32x4_splat(0.f), y0 = x0;
      for (int r = 0; r < rows; r++) {
        const V g0 = LD(gb + r * c + ob);
        x0 = ADD(x0, MUL(SPLAT(hb[r * c + a]), g0));
        y0 = ADD(y0, MUL(SPLAT(hb[r * c + a + 1]), g0));
      }
      float *d0 = dpk + a * c + ob;
      ST(d0, ADD(LD(d0), x0));
      ST(d0 + c, ADD(LD(d0 + c), y0));
    }
  }
}

#define block_outer(hb, gb, rows, c, dpk) block_outer_range(hb, gb, rows, c, dpk, 0, c)

/* The weight-gradient partial sums of the FLUSH_ROWS-position blocks b0 ≤ j < b1 (of `total`
 * positions; the last block may be short or empty) from hid, G, GP and z, each summed from zero in
 * backward4's order into part + j·(c² + kc + 2c) as [dpk c², ddk kc, ddb c, dpb c]: the terms
 * backward4 adds into its outputs block by block (lift_backward_fold adds them in order). */
static inline __attribute__((always_inline))
void partials4(const float *R hid, const float *R G, const float *R GP, const float *R z, int zs, const int *R idx,
               int len, int inner, const int c, int k, int b0, int b1, int total, float *R part) {
  const int positions = inner / c;
  const int per = c * c + k * c + 2 * c;
  const V zerov = wasm_f32x4_splat(0.f);
  for (int j = b0; j < b1; j++) {
    float *pDpk = part + j * per;
    float *aDk = pDpk + c * c;
    float *aDb = aDk + k * c;
    float *aPb = aDb + c;
    for (int e = 0; e < per; e += 4) ST(pDpk + e, zerov);
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
      for (int cb = 0; cb < c; cb += 4) {
        ST(aPb + cb, ADD(LD(aPb + cb), LD(gr + cb)));
        ST(aDb + cb, ADD(LD(aDb + cb), LD(gpr + cb)));
      }
      for (int t = 0; t < k; t++) {
        const int s = src[t];
        if (s < 0) continue;
        const float *zr = z + (o * len + s) * zs + p * c;
        float *ad = aDk + t * c;
        for (int cb = 0; cb < c; cb += 4) ST(ad + cb, ADD(LD(ad + cb), MUL(LD(gpr + cb), LD(zr + cb))));
      }
    }
    if (last > first) block_outer(hid + first * c, G + first * c, last - first, c, pDpk);
  }
}

static inline __attribute__((always_inline))
void backward4(const float *R dy, int negate, const float *R y, const float *R hid, const float *R z, int zs,
               const float *R dk, const float *R pk, const int *R idx,
               int outer, int len, int inner, const int c, int k,
               float *R dz, int dzs, float *R ddk, float *R ddb, float *R dpk, float *R dpb,
               float *R scratch, const int rows, float *R G, float *R GP) {
  const int positions = inner / c;
  SCRATCH_LAYOUT;
  (void)aPk; /* dpk is summed per block by block_outer */
  const float *none = 0;
  prepare_backward(pk, c, k, scratch, dz, outer * len, inner, dzs, ddk, ddb, dpk, dpb, !rows);
  const V zerov = wasm_f32x4_splat(0.f);
  int pending = 0;
  for (int o = 0; o < outer; o++) {
    for (int i = 0; i < len; i++) {
      const int *src = idx + i;
      for (int p = 0; p < positions; p++) {
        const int base = (o * len + i) * inner + p * c;
        const float *hr = hid + base;
        g = rows ? G + base : gbuf + pending * c;
        if (rows) gp = GP + base;
        for (int cb = 0; cb < c; cb += 4) {
          const V yy = LD(y + base + cb);
          const V d = negate ? wasm_f32x4_neg(LD(dy + base + cb)) : LD(dy + base + cb);
          const V gg = MUL(d, SUB(SPLAT(1.f), MUL(yy, yy)));
          ST(g + cb, gg);
          if (!rows) ST(aPb + cb, ADD(LD(aPb + cb), gg));
        }
#define GP_DONE(at, v)                                                                \
  do {                                                                                \
    const V masked = wasm_v128_and((v), wasm_f32x4_gt(LD(hr + (at)), zerov));         \
    ST(gp + (at), masked);                                                            \
    if (!rows) ST(aDb + (at), ADD(LD(aDb + (at)), masked));                           \
  } while (0)
        ROW_MATVEC(c, none, g, pkT, GP_DONE)
#undef GP_DONE
        for (int t = 0; t < k; t++) {
          const int s = src[t];
          if (s < 0) continue;
          const float *zr = z + (o * len + s) * zs + p * c;
          float *dzr = dz + (o * len + s) * dzs + p * c;
          const float *w = dk + t * c;
          float *ad = aDk + t * c;
          for (int cb = 0; cb < c; cb += 4) {
            const V v = LD(gp + cb);
            ST(dzr + cb, ADD(LD(dzr + cb), MUL(LD(w + cb), v)));
            if (!rows) ST(ad + cb, ADD(LD(ad + cb), MUL(v, LD(zr + cb))));
          }
        }
        if (!rows && ++pending == FLUSH_ROWS) {
          block_outer(hr + c - FLUSH_ROWS * c, gbuf, FLUSH_ROWS, c, dpk);
          flush(ddk, aDk, k * c);
          flush(ddb, aDb, c);
          flush(dpb, aPb, c);
          pending = 0;
        }
      }
    }
  }
  if (rows) return;
  block_outer(hid + outer * len * inner - pending * c, gbuf, pending, c, dpk);
  flush(ddk, aDk, k * c);
  flush(ddb, aDb, c);
  flush(dpb, aPb, c);
}
