#!/usr/bin/env bash
# The constraint-loss study (README "Constraint losses: which form and why"; docs/results/constraint-study/).
# Usage: scripts/constraint-study.sh [RUNS_DIR]   (default runs/constraint-study; finished runs are skipped)
# MNIST, tiny CNN (no BatchNorm), 1 epoch of 5000 images, seeds 0-4, for max pooling and LiftPool with
# each constraint form; Fashion-MNIST VGG13 width 0.25 (the README's sweep settings), seeds 0-2.
# About 35 runs x 0.5-1 min (MNIST) and 25 runs x 1-2 min (VGG13) on a quiet 2-core machine, one job.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-runs/constraint-study}"
LP="npx tsx src/cli/main.ts"
mnist() { local name=$1; shift; [ -f "$OUT/$name/results.json" ] && return 0
  $LP train --dataset mnist --arch tiny --epochs 1 --train-limit 5000 --out "$OUT/$name" --quiet --diagnose-every 125 "$@"; }
vgg() { local name=$1; shift; [ -f "$OUT/$name/results.json" ] && return 0
  $LP train --dataset fashion-mnist --arch vgg13 --width 0.25 --train-limit 1000 --test-limit 1000 --epochs 3 \
    --batch-size 32 --lr 3e-3 --out "$OUT/$name" --quiet "$@"; }
for s in 0 1 2 3 4; do
  mnist max-s$s --pool max --seed $s
  mnist paper-cli-s$s --pool lift --seed $s --constraint paper --lambda-u 1e-4 --lambda-p 1e-3
  mnist paper-layer-s$s --pool lift --seed $s --constraint paper --lambda-u 0.01 --lambda-p 0.1
  mnist lam0-s$s --pool lift --seed $s --lambda-u 0 --lambda-p 0
  mnist rel-s$s --pool lift --seed $s --constraint relative --lambda-u 0.01 --lambda-p 0.1
  mnist det-s$s --pool lift --seed $s --constraint detached --lambda-u 0.01 --lambda-p 0.1
  mnist rms-s$s --pool lift --seed $s --constraint rms --lambda-u 0.01 --lambda-p 0.1
done
for s in 0 1 2; do
  vgg vgg-max-s$s --pool max --seed $s
  vgg vgg-paper-cli-s$s --pool lift --seed $s --constraint paper --lambda-u 1e-4 --lambda-p 1e-3
  vgg vgg-rel-s$s --pool lift --seed $s --constraint relative --lambda-u 0.01 --lambda-p 0.1
  vgg vgg-det-s$s --pool lift --seed $s --constraint detached --lambda-u 0.01 --lambda-p 0.1
  vgg vgg-lam0-s$s --pool lift --seed $s --lambda-u 0 --lambda-p 0
done
npx tsx scripts/constraint-study.ts "$OUT" --out docs/results/constraint-study
