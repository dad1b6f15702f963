#!/usr/bin/env bash
# The experiment plan of docs/experiments.md (issue 13): classification on three backbones, the sub-band
# ablation, robustness of every classification model, segmentation, and the report.
#
# Usage: scripts/experiments.sh estimate|pilot|classification|ablation|robustness|segmentation|report|all
#
# Resumable: every step is a `liftpool` command with fixed seeds; finished runs are skipped and an
# interrupted training run continues from its last epoch checkpoint (`liftpool sweep`), so the script can
# be killed and restarted at any time. Runs go to $OUT (default runs/exp, git-ignored).
# Environment:
#   JOBS=N      processes at once (default: free cores = cores minus the 1-minute load, at least 1)
#   OUT=DIR     where the runs go (default runs/exp)
#   SEEDS="0 1 2"  seeds; BACKBONES="vgg13 resnet18 mobilenetv2"; POOLS=max,avg,skip,blur,wavelet,lift
#   COMMIT=1    after every finished seed of a step, copy the small result files into docs/results/exp
#               (results.json, predictions.png, robustness JSON) and git-commit them (in $RESULTS_REPO if set)
# The recipe itself is in scripts/experiments-recipe.sh; scripts/experiment-queue.sh runs single steps of
# it in queues with a deadline (for sessions of known length).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/experiments-recipe.sh   # LP, OUT, the recipe (CLS, ROB, SEG, SEG_EXTRA, SEG_VARIANTS), commit
SEEDS="${SEEDS:-0 1 2}"
BACKBONES="${BACKBONES:-vgg13 resnet18 mobilenetv2}"
POOLS="${POOLS:-max,avg,skip,blur,wavelet,lift}"
ABLATION="lift-ll,lift-lh,lift-hl,lift-hh"
JOBS="${JOBS:-$(awk -v n="$(nproc)" '{ f = int(n - $1 + 0.5); print (f < 1 ? 1 : f) }' /proc/loadavg)}"

sweep_cls() { # arch pools -- one sweep per seed, so results are committed seed by seed
  local arch=$1 pools=$2 s
  for s in $SEEDS; do
    "${LP[@]}" sweep "${CLS[@]}" --arch "$arch" --pools "$pools" --seeds "$s" --jobs "$JOBS" --out "$OUT/cls-$arch"
    commit "classification $arch $pools seed $s"
  done
}

pilot() { # max pooling, seed 0, on each backbone first: must reach >= 88% test accuracy (else raise the budget)
  local arch
  for arch in $BACKBONES; do SEEDS=0 sweep_cls "$arch" max; done
  for arch in $BACKBONES; do "${LP[@]}" table "$OUT/cls-$arch"; done
}

classification() { local arch; for arch in $BACKBONES; do sweep_cls "$arch" "$POOLS"; done; }

ablation() { sweep_cls vgg13 "$ABLATION"; }

robustness() { # every trained model, 2000 test images per condition; mCE etc. vs max of the same seed (in the report)
  local cmds=() arch pool s model json
  for s in $SEEDS; do
    for arch in $BACKBONES; do
      for pool in ${POOLS//,/ }; do
        model="$OUT/cls-$arch/$pool/seed$s"
        json="$OUT/robustness/$arch/$pool-seed$s.json"
        [ -f "$json" ] && continue
        [ -f "$model/results.json" ] || { echo "robustness: skip $model (not trained yet)" >&2; continue; }
        mkdir -p "$(dirname "$json")"
        cmds+=("${LP[*]} robustness --model $model ${ROB[*]} --json $json")
      done
    done
  done
  echo "robustness: ${#cmds[@]} evaluations, $JOBS at once" >&2
  local running=0 failed=0 c
  for c in "${cmds[@]}"; do
    echo "+ $c" >&2
    bash -c "$c" >/dev/null &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then wait -n || failed=$((failed + 1)); running=$((running - 1)); fi
  done
  while [ "$running" -gt 0 ]; do wait -n || failed=$((failed + 1)); running=$((running - 1)); done
  "${LP[@]}" table "$OUT/robustness" --kind robustness
  commit "robustness"
  [ "$failed" = 0 ] || { echo "robustness: $failed evaluations failed; rerun to retry them" >&2; return 1; }
}

segmentation() {
  local s
  for s in $SEEDS; do
    "${LP[@]}" sweep "${SEG[@]}" --down-ups "$SEG_VARIANTS" --seeds "$s" --jobs "$JOBS" --out "$OUT/segment" -- "${SEG_EXTRA[@]}"
    commit "segmentation seed $s"
  done
}

report() { "${LP[@]}" report "$OUT" --out "${REPORT:-docs/report}"; }

estimate() { # hours of the plan on a 2-core machine, from the one-core training throughputs of issue 13
  awk -v seeds="$(echo "$SEEDS" | wc -w)" 'BEGIN {
    # training images/s, wasm, one core, quiet machine, width 0.25, batch 32: max / lift (issue 13)
    tp["vgg13","max"] = 200; tp["vgg13","lift"] = 146
    tp["resnet18","max"] = 88; tp["resnet18","lift"] = 79
    tp["mobilenetv2","max"] = 124; tp["mobilenetv2","lift"] = 120
    # other pools relative to max, from the 1000-image VGG13 sweep (docs/results/fmnist-vgg13, loaded machine)
    rel["avg"] = 1.04; rel["skip"] = 0.72; rel["blur"] = 0.96; rel["wavelet"] = 1.07
    train = 10000; test = 10000; epochs = 15; fwd = 3          # inference ~3x training throughput
    robImages = 2000; passes = 1 + 14 * 5 + 2 + 4 * 10; robOverhead = 1.5   # clean, corruptions, 2 shifts, 4 sequences of 10
    segRate = 109; segScenes = 4000; segTest = 500; segEpochs = 24   # max-maxunpool scenes/s (SPEC 6: 24000 scenes in 220 s)
    segRel["max-maxunpool"] = 1; segRel["max-bilinear"] = 1.27; segRel["max-transposed"] = 1.19; segRel["lift-liftup"] = 0.80; segRel["blur-bilinear"] = 1.07
    n = split("vgg13 resnet18 mobilenetv2", archs, " "); np = split("max avg skip blur wavelet lift", pools, " ")
    printf "%-34s %6s %10s %10s\n", "step", "runs", "core-h", "h (2 jobs)"
    for (a = 1; a <= n; a++) {
      cls = 0; rob = 0
      for (p = 1; p <= np; p++) {
        r = (pools[p] == "lift") ? tp[archs[a],"lift"] : tp[archs[a],"max"] * (pools[p] == "max" ? 1 : rel[pools[p]])
        cls += seeds * epochs * (train / r + test / (fwd * r))
        rob += seeds * robOverhead * robImages * passes / (fwd * r)
      }
      printf "%-34s %6d %10.1f %10.1f\n", "classification " archs[a], seeds * np, cls / 3600, cls / 7200; total += cls
      robAll += rob; robRuns += seeds * np
    }
    r = tp["vgg13","lift"]; abl = 4 * seeds * epochs * (train / r + test / (fwd * r))
    printf "%-34s %6d %10.1f %10.1f\n", "ablation vgg13 lift-ll/lh/hl/hh", 4 * seeds, abl / 3600, abl / 7200; total += abl
    printf "%-34s %6d %10.1f %10.1f\n", "robustness (all backbones)", robRuns, robAll / 3600, robAll / 7200; total += robAll
    seg = 0; for (v in segRel) { r = segRate * segRel[v]; seg += seeds * segEpochs * (segScenes / r + segTest / (fwd * r)) }
    printf "%-34s %6d %10.1f %10.1f\n", "segmentation (5 variants)", 5 * seeds, seg / 3600, seg / 7200; total += seg
    printf "%-34s %6s %10.1f %10.1f\n", "total", "", total / 3600, total / 7200
    print "Quiet-machine figures; under load from other jobs they halve. Two jobs assume two otherwise idle cores."
  }'
}

case "${1:-all}" in
  estimate) estimate ;;
  pilot) pilot ;;
  classification) classification ;;
  ablation) ablation ;;
  robustness) robustness ;;
  segmentation) segmentation ;;
  report) report ;;
  all) pilot; classification; ablation; robustness; segmentation; report ;;
  *) echo "usage: $0 estimate|pilot|classification|ablation|robustness|segmentation|report|all" >&2; exit 2 ;;
esac
