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
 *
 * Channel counts that are a multiple of 4 run the SIMD versions (forward4, backward4), others the
 * scalar loops; the entry points also instantiate the SIMD versions for C = 8, 16, 32 and 64 known
 * at compile time.
 *
 * The module runs inside the wasm backend's own memory (imported), so it keeps nothing in memory
 * of its own: no stack, no static data. Every buffer, scratch space included, is passed in.
 * Build: scripts/build-wasm.sh (clang --target=wasm32 -msimd128), which links it with copy_runs.c
 * into the project's wasm module, src/backend/wasm-module.generated.ts.
 *
 * Layout: tensors of shape [outer, len, inner] with inner = P·C (P positions of C channels);
 * element (o, i, p, ch) is at ((o·len + i)·inner + p·C + ch). Rows (o, i, p) are visited in memory
 * order.
 */
#define R __restrict__

/* Accumulated gradients are flushed from the scratch partial sums into the outputs every this many
 * rows, so that long sums are added in blocks (less float32 rounding error). */
#define FLUSH_ROWS 256

static void flush(float *R out, float *R acc, int n) {
  for (int j = 0; j < n; j++) {
    out[j] += acc[j];
    acc[j] = 0.f;
  }
}

static void zero(float *R a, int n) {
  for (int j = 0; j < n; j++) a[j] = 0.f;
}

/* Scratch layout of the backward: g, gp [c]; Pᵀ [c·c]; partial sums of dpk [c·c], ddk [k·c], ddb
 * and dpb [c]; FLUSH_ROWS rows of g (SIMD version). Pointers are locals (no memory of our own). */
#define SCRATCH_LAYOUT        \
  float *g = scratch;         \
  float *gp = g + c;          \
  float *pkT = gp + c;        \
  float *aPk = pkT + c * c;   \
  float *aDk = aPk + c * c;   \
  float *aDb = aDk + k * c;   \
  float *aPb = aDb + c;       \
  float *gbuf = aPb + c

/* Pᵀ into the scratch; partial sums and every output (dz: n floats) zeroed. */
static void prepare_backward(const float *R pk, int c, int k, float *R scratch, float *R dz, int n,
                             float *R ddk, float *R ddb, float *R dpk, float *R dpb) {
  float *pkT = scratch + 2 * c;
  for (int a = 0; a < c; a++)
    for (int b = 0; b < c; b++) pkT[b * c + a] = pk[a * c + b];
  zero(pkT + c * c, c * c + k * c + 2 * c);
  zero(dpk, c * c);
  zero(ddk, k * c);
  zero(ddb, c);
  zero(dpb, c);
  zero(dz, n);
}

/*
 * dy, y, hid, z, dz: [outer, len, inner]; dk, ddk: [k, c]; pk, dpk: [c, c] (in, out);
 * db-free: ddb, dpb: [c]; idx: [len + k − 1] source index along the axis of each padded sample;
 * scratch: 4c + 2c² + kc + 256c floats (FLUSH_ROWS rows of g for the SIMD version).
 */
static inline __attribute__((always_inline))
void backward(const float *R dy, const float *R y, const float *R hid, const float *R z,
              const float *R dk, const float *R pk, const int *R idx,
              int outer, int len, int inner, const int c, int k,
              float *R dz, float *R ddk, float *R ddb, float *R dpk, float *R dpb,
              float *R scratch) {
  const int positions = inner / c;
  SCRATCH_LAYOUT;
  (void)gbuf;
  prepare_backward(pk, c, k, scratch, dz, outer * len * inner, ddk, ddb, dpk, dpb);
  int pending = 0;
  for (int o = 0; o < outer; o++) {
    for (int i = 0; i < len; i++) {
      const int *src = idx + i;
      for (int p = 0; p < positions; p++) {
        const int base = (o * len + i) * inner + p * c;
        const float *dyr = dy + base;
        const float *yr = y + base;
        const float *hr = hid + base;
        for (int ch = 0; ch < c; ch++) {
          const float yy = yr[ch];
          const float gg = dyr[ch] * (1.f - yy * yy);
          g[ch] = gg;
          aPb[ch] += gg;
          gp[ch] = 0.f;
        }
        for (int a = 0; a < c; a++) {
          const float h = hr[a];
          float *row = aPk + a * c;
          for (int b = 0; b < c; b++) row[b] += h * g[b];
        }
        for (int b = 0; b < c; b++) {
          const float gb = g[b];
          const float *pr = pkT + b * c;
          for (int a = 0; a < c; a++) gp[a] += gb * pr[a];
        }
        for (int a = 0; a < c; a++) {
          const float v = hr[a] > 0.f ? gp[a] : 0.f;
          gp[a] = v;
          aDb[a] += v;
        }
        for (int t = 0; t < k; t++) {
          const int s = src[t];
          if (s < 0) continue;
          const int off = (o * len + s) * inner + p * c;
          const float *zr = z + off;
          float *dzr = dz + off;
          const float *w = dk + t * c;
          float *ad = aDk + t * c;
          for (int ch = 0; ch < c; ch++) {
            const float v = gp[ch];
            dzr[ch] += w[ch] * v;
            ad[ch] += v * zr[ch];
          }
        }
        if (++pending == FLUSH_ROWS) {
          flush(dpk, aPk, c * c);
          flush(ddk, aDk, k * c);
          flush(ddb, aDb, c);
          flush(dpb, aPb, c);
          pending = 0;
        }
      }
    }
  }
  flush(dpk, aPk, c * c);
  flush(ddk, aDk, k * c);
  flush(ddb, aDb, c);
  flush(dpb, aPb, c);
}

/* tanh(x) for float32, branch-free (so the channel loop vectorises): sign(x)·(1 − e)/(1 + e) with
 * e = exp(−2|x|) = 2ⁿ·exp(f), |f| ≤ ln2/2, exp(f) by its degree-7 Taylor polynomial (relative
 * error < 2e-8 on that range), 2ⁿ built from the exponent bits. Absolute error ≲ 1e-7. */
static inline float tanh_f(float x) {
  const float ax = __builtin_fabsf(x);
  float v = -2.f * ax;
  v = v < -87.f ? -87.f : v;
  const float n = __builtin_floorf(v * 1.44269504088896341f + 0.5f);
  const float f = (v - n * 0.693145751953125f) - n * 1.42860682030941723212e-6f;
  float p = 1.f / 5040.f;
  p = p * f + 1.f / 720.f;
  p = p * f + 1.f / 120.f;
  p = p * f + 1.f / 24.f;
  p = p * f + 1.f / 6.f;
  p = p * f + 0.5f;
  p = p * f + 1.f;
  p = p * f + 1.f;
  const float scale = __builtin_bit_cast(float, ((int)n + 127) << 23);
  const float e = p * scale;
  const float t = (1.f - e) / (1.f + e);
  return x < 0.f ? -t : t;
}

/*
 * Forward: hid = ReLU(db + Σ_t dk[t]·z[src(i+t)]) (src: the pad index map, −1 a zero sample),
 * y = tanh(pb + hid·P). z, y: [outer, len, inner]; hid: [outer·len·inner/c, c] (the same order).
 */
static inline __attribute__((always_inline))
void forward(const float *R z, const float *R dk, const float *R db, const float *R pk, const float *R pb,
             const int *R idx, int outer, int len, int inner, const int c, int k,
             float *R hid, float *R y) {
  const int positions = inner / c;
  for (int o = 0; o < outer; o++) {
    for (int i = 0; i < len; i++) {
      const int *src = idx + i;
      for (int p = 0; p < positions; p++) {
        const int base = (o * len + i) * inner + p * c;
        float *hr = hid + base;
        float *yr = y + base;
        for (int ch = 0; ch < c; ch++) hr[ch] = db[ch];
        for (int t = 0; t < k; t++) {
          const int s = src[t];
          if (s < 0) continue;
          const float *zr = z + (o * len + s) * inner + p * c;
          const float *w = dk + t * c;
          for (int ch = 0; ch < c; ch++) hr[ch] += w[ch] * zr[ch];
        }
        for (int ch = 0; ch < c; ch++) {
          hr[ch] = hr[ch] > 0.f ? hr[ch] : 0.f;
          yr[ch] = pb[ch];
        }
        for (int a = 0; a < c; a++) {
          const float h = hr[a];
          const float *row = pk + a * c;
          for (int b = 0; b < c; b++) yr[b] += h * row[b];
        }
        for (int ch = 0; ch < c; ch++) yr[ch] = tanh_f(yr[ch]);
      }
    }
  }
}


/* ------------------------------------------------------------------------------------------------
 * SIMD versions for C a multiple of 4 (the common case): the same arithmetic in the same order as
 * the scalar loops above, so both give the same floats, written with wasm SIMD intrinsics because
 * the auto-vectoriser gives up on the fully unrolled loops of small compile-time C.
 * ---------------------------------------------------------------------------------------------- */
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
void forward4(const float *R z, const float *R dk, const float *R db, const float *R pk, const float *R pb,
              const int *R idx, int outer, int len, int inner, const int c, int k,
              float *R hid, float *R y) {
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
            acc = ADD(acc, MUL(LD(dk + t * c + cb), LD(z + (o * len + s) * inner + p * c + cb)));
          }
          ST(hr + cb, wasm_f32x4_pmax(zero, acc));
        }
#define Y_DONE(at, v) ST(yr + (at), tanh4(v))
        ROW_MATVEC(c, pb, hr, pk, Y_DONE)
#undef Y_DONE
      }
    }
  }
}

/* dpk[a, :] += Σ_r hb[r·c + a] · gb[r·c + :] over `rows` consecutive rows (hidᵀg of one block),
 * two rows of dpk × 16 columns at a time in registers. */
static inline __attribute__((always_inline))
void block_outer(const float *R hb, const float *R gb, int rows, const int c, float *R dpk) {
  for (int a = 0; a < c; a += 2) {
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

static inline __attribute__((always_inline))
void backward4(const float *R dy, const float *R y, const float *R hid, const float *R z,
               const float *R dk, const float *R pk, const int *R idx,
               int outer, int len, int inner, const int c, int k,
               float *R dz, float *R ddk, float *R ddb, float *R dpk, float *R dpb,
               float *R scratch) {
  const int positions = inner / c;
  SCRATCH_LAYOUT;
  (void)aPk; /* dpk is summed per block by block_outer */
  const float *none = 0;
  prepare_backward(pk, c, k, scratch, dz, outer * len * inner, ddk, ddb, dpk, dpb);
  const V zerov = wasm_f32x4_splat(0.f);
  int pending = 0;
  for (int o = 0; o < outer; o++) {
    for (int i = 0; i < len; i++) {
      const int *src = idx + i;
      for (int p = 0; p < positions; p++) {
        const int base = (o * len + i) * inner + p * c;
        const float *hr = hid + base;
        g = gbuf + pending * c;
        for (int cb = 0; cb < c; cb += 4) {
          const V yy = LD(y + base + cb);
          const V gg = MUL(LD(dy + base + cb), SUB(SPLAT(1.f), MUL(yy, yy)));
          ST(g + cb, gg);
          ST(aPb + cb, ADD(LD(aPb + cb), gg));
        }
#define GP_DONE(at, v)                                                        \
  do {                                                                        \
    const V masked = wasm_v128_and((v), wasm_f32x4_gt(LD(hr + (at)), zerov)); \
    ST(gp + (at), masked);                                                    \
    ST(aDb + (at), ADD(LD(aDb + (at)), masked));                              \
  } while (0)
        ROW_MATVEC(c, none, g, pkT, GP_DONE)
#undef GP_DONE
        for (int t = 0; t < k; t++) {
          const int s = src[t];
          if (s < 0) continue;
          const int off = (o * len + s) * inner + p * c;
          const float *w = dk + t * c;
          float *ad = aDk + t * c;
          for (int cb = 0; cb < c; cb += 4) {
            const V v = LD(gp + cb);
            ST(dz + off + cb, ADD(LD(dz + off + cb), MUL(LD(w + cb), v)));
            ST(ad + cb, ADD(LD(ad + cb), MUL(v, LD(z + off + cb))));
          }
        }
        if (++pending == FLUSH_ROWS) {
          block_outer(hr + c - FLUSH_ROWS * c, gbuf, FLUSH_ROWS, c, dpk);
          flush(ddk, aDk, k * c);
          flush(ddb, aDb, c);
          flush(dpb, aPb, c);
          pending = 0;
        }
      }
    }
  }
  block_outer(hid + outer * len * inner - pending * c, gbuf, pending, c, dpk);
  flush(ddk, aDk, k * c);
  flush(ddb, aDb, c);
  flush(dpb, aPb, c);
}

__attribute__((export_name("lift_filter_forward")))
void lift_filter_forward(const float *R z, const float *R dk, const float *R db, const float *R pk,
                         const float *R pb, const int *R idx, int outer, int len, int inner, int c, int k,
                         float *R hid, float *R y) {
#define CASE(CC) \
  case CC: \
    forward4(z, dk, db, pk, pb, idx, outer, len, inner, CC, k, hid, y); \
    return;
  switch (c) {
    CASE(8)
    CASE(16)
    CASE(32)
    CASE(64)
    default:
      if (c % 4 == 0) forward4(z, dk, db, pk, pb, idx, outer, len, inner, c, k, hid, y);
      else forward(z, dk, db, pk, pb, idx, outer, len, inner, c, k, hid, y);
  }
#undef CASE
}

/* The entry points. Common channel counts get their own copy of the loop with C known at compile
 * time (fully unrolled over the channels, ~2-3x faster than C as a run-time value). */
__attribute__((export_name("lift_filter_backward")))
void lift_filter_backward(const float *R dy, const float *R y, const float *R hid, const float *R z,
                          const float *R dk, const float *R pk, const int *R idx,
                          int outer, int len, int inner, int c, int k,
                          float *R dz, float *R ddk, float *R ddb, float *R dpk, float *R dpb,
                          float *R scratch) {
#define CASE(CC) \
  case CC: \
    backward4(dy, y, hid, z, dk, pk, idx, outer, len, inner, CC, k, dz, ddk, ddb, dpk, dpb, scratch); \
    return;
  switch (c) {
    CASE(8)
    CASE(16)
    CASE(32)
    CASE(64)
    default:
      if (c % 4 == 0) backward4(dy, y, hid, z, dk, pk, idx, outer, len, inner, c, k, dz, ddk, ddb, dpk, dpb, scratch);
      else backward(dy, y, hid, z, dk, pk, idx, outer, len, inner, c, k, dz, ddk, ddb, dpk, dpb, scratch);
  }
#undef CASE
}
