/*
 * Scalar loops of the LiftPool filter (any channel count C), included by lift_core.c. The SIMD
 * versions (lift_simd.h) do the same arithmetic in the same order, so both give the same floats.
 *
 * Forward: hid = ReLU(db + Σ_t dk[t]·z[src(i+t)]), y = tanh(pb + hid·P), then out = a ∓ y.
 * Backward: g = dy·(1 − y²), dpb = Σg, dpk = hidᵀg, gp = (g·Pᵀ)·[hid > 0], ddb = Σgp, and the
 * depthwise backward through the boundary extension, dz[src(i+t)] += dk[t]·gp[i] and
 * ddk[t] += gp[i]·z[src(i+t)]. Row strides and layouts: see lift_core.h.
 */

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

/* Pᵀ into the scratch; partial sums and every output (dz: rows rows of inner floats, dzs apart) zeroed
 * (the weight gradients only when `weights`: the rows-only backward has none). */
static void prepare_backward(const float *R pk, int c, int k, float *R scratch, float *R dz, int rows, int inner,
                             int dzs, float *R ddk, float *R ddb, float *R dpk, float *R dpb, int weights) {
  float *pkT = scratch + 2 * c;
  for (int a = 0; a < c; a++)
    for (int b = 0; b < c; b++) pkT[b * c + a] = pk[a * c + b];
  if (weights) {
    zero(pkT + c * c, c * c + k * c + 2 * c);
    zero(dpk, c * c);
    zero(ddk, k * c);
    zero(ddb, c);
    zero(dpb, c);
  }
  if (dzs == inner) zero(dz, rows * inner);
  else
    for (int r = 0; r < rows; r++) zero(dz + r * dzs, inner);
}

static inline __attribute__((always_inline))
void backward(const float *R dy, int negate, const float *R y, const float *R hid, const float *R z, int zs,
              const float *R dk, const float *R pk, const int *R idx,
              int outer, int len, int inner, const int c, int k,
              float *R dz, int dzs, float *R ddk, float *R ddb, float *R dpk, float *R dpb,
              float *R scratch, const int rows, float *R G, float *R GP) {
  const int positions = inner / c;
  SCRATCH_LAYOUT;
  (void)gbuf;
  prepare_backward(pk, c, k, scratch, dz, outer * len, inner, dzs, ddk, ddb, dpk, dpb, !rows);
  int pending = 0;
  for (int o = 0; o < outer; o++) {
    for (int i = 0; i < len; i++) {
      const int *src = idx + i;
      for (int p = 0; p < positions; p++) {
        const int base = (o * len + i) * inner + p * c;
        const float *dyr = dy + base;
        const float *yr = y + base;
        const float *hr = hid + base;
        if (rows) {
          g = G + base;
          gp = GP + base;
        }
        for (int ch = 0; ch < c; ch++) {
          const float yy = yr[ch];
          const float d = negate ? -dyr[ch] : dyr[ch];
          const float gg = d * (1.f - yy * yy);
          g[ch] = gg;
          if (!rows) aPb[ch] += gg;
          gp[ch] = 0.f;
        }
        if (!rows)
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
          if (!rows) aDb[a] += v;
        }
        for (int t = 0; t < k; t++) {
          const int s = src[t];
          if (s < 0) continue;
          const float *zr = z + (o * len + s) * zs + p * c;
          float *dzr = dz + (o * len + s) * dzs + p * c;
          const float *w = dk + t * c;
          float *ad = aDk + t * c;
          for (int ch = 0; ch < c; ch++) {
            const float v = gp[ch];
            dzr[ch] += w[ch] * v;
            if (!rows) ad[ch] += v * zr[ch];
          }
        }
        if (!rows && ++pending == FLUSH_ROWS) {
          flush(dpk, aPk, c * c);
          flush(ddk, aDk, k * c);
          flush(ddb, aDb, c);
          flush(dpb, aPb, c);
          pending = 0;
        }
      }
    }
  }
  if (rows) return;
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

/* out[0..c) = a[0..c) − y[0..c) (LIFT_OUT_SUB) or a + y (LIFT_OUT_ADD). */
static inline void combine(const float *R a, const float *R y, int c, int mode, float *R out) {
  if (mode == LIFT_OUT_SUB)
    for (int ch = 0; ch < c; ch++) out[ch] = a[ch] - y[ch];
  else
    for (int ch = 0; ch < c; ch++) out[ch] = a[ch] + y[ch];
}

static inline __attribute__((always_inline))
void forward(const float *R z, int zs, const float *R dk, const float *R db, const float *R pk, const float *R pb,
             const int *R idx, int outer, int len, int inner, const int c, int k,
             float *R hid, float *R y, const float *R addend, int as, int mode, float *R out) {
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
          const float *zr = z + (o * len + s) * zs + p * c;
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
        if (mode) combine(addend + (o * len + i) * as + p * c, yr, c, mode, out + base);
      }
    }
  }
}
