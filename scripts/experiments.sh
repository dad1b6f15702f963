#!/usr/bin/env bash
# The experiment runs behind the README's Results, Robustness and Segmentation tables.
# Usage: scripts/experiments.sh classification|robustness|segmentation|all
# Every step is a `liftpool` command with a fixed seed; finished runs are skipped, so the script
# can be interrupted and restarted. Outputs go to runs/ (git-ignored); tables are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
LP="npx tsx src/cli/main.ts"
SEEDS="${SEEDS:-0 1 2}"

classification() {
  # Fashion-MNIST, VGG13-style at width 0.25, 1000 train / 1000 test images, 3 epochs, 3 seeds.
  $LP sweep --dataset fashion-mnist --arch vgg13 --width 0.25 --pools max,avg,skip,blur,wavelet,lift \
    --seeds 0,1,2 --train-limit 1000 --test-limit 1000 --epochs 3 --out runs/fmnist-vgg13
}

robustness() {
  # Corruptions (14 x 5 severities), shift consistency and flip rates of the classification models,
  # on 100 test images; mCE relative to the max-pool model of the same seed.
  mkdir -p runs/robustness
  for s in $SEEDS; do
    for p in max avg blur lift; do
      out=runs/robustness/$p-seed$s.json
      [ -f "$out" ] && continue
      base=()
      [ "$p" != max ] && base=(--baseline runs/robustness/max-seed$s.json)
      $LP robustness --model runs/fmnist-vgg13/$p/seed$s "${base[@]}" --test-limit 100 --seed 0 --json "$out" --quiet
    done
  done
  $LP table runs/robustness --kind robustness
}

segmentation() {
  # SegNet-style encoder-decoder on synthetic MNIST scenes (32x32 canvases to fit this CPU budget,
  # 1000 train / 200 test scenes), 4 epochs, Adam 3e-3.
  for s in ${SEG_SEEDS:-$SEEDS}; do
    for v in lift-liftup max-maxunpool max-bilinear max-transposed blur-bilinear; do
      out=runs/segment/$v/seed$s
      [ -f "$out/results.json" ] && continue
      $LP segment train --dataset mnist --down-up $v --epochs 4 --lr 3e-3 --scene-size 32 --train-scenes 1000 \
        --test-scenes 200 --width 0.25 --depth 3 --seed $s --out "$out" --quiet
    done
  done
  $LP table runs/segment --kind segmentation
}

case "${1:-all}" in
  classification) classification ;;
  robustness) robustness ;;
  segmentation) segmentation ;;
  all) classification; robustness; segmentation ;;
  *) echo "usage: $0 classification|robustness|segmentation|all" >&2; exit 2 ;;
esac
