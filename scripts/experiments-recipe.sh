# The experiment recipe of docs/experiments.md (issue 13), sourced by scripts/experiments.sh and
# scripts/experiment-queue.sh from the repository root. docs/experiments.md explains each number; the
# variables only exist for smoke tests.
LP=(node --import tsx src/cli/main.ts)
OUT="${OUT:-runs/exp}"
CLS=(--dataset "${DATASET:-fashion-mnist}" --width "${WIDTH:-0.25}" --batch-size 32 --lr 3e-3 --epochs "${EPOCHS:-15}" --train-limit "${TRAIN_LIMIT:-10000}")
[ -n "${TEST_LIMIT:-}" ] && CLS+=(--test-limit "$TEST_LIMIT")   # default: the full 10000 test images
ROB=(--test-limit "${ROB_LIMIT:-2000}" --seed 0 --quiet)
SEG=(--task segment --dataset mnist --width 0.25 --batch-size 16 --lr 3e-3 --epochs "${SEG_EPOCHS:-24}")
SEG_EXTRA=(--scene-size 32 --train-scenes "${SEG_TRAIN:-4000}" --test-scenes "${SEG_TEST:-500}" --depth 3)
SEG_VARIANTS="max-maxunpool,max-bilinear,max-transposed,lift-liftup,blur-bilinear"

# Copies the small outputs of $OUT (results.json, predictions.png, robustness JSON, tables) into
# docs/results/exp of $RESULTS_REPO (default: this checkout) and commits them there, when COMMIT=1.
commit() {
  [ "${COMMIT:-0}" = 1 ] || return 0
  local repo="${RESULTS_REPO:-.}" out try
  out="$(cd "$OUT" && pwd)"
  local dest="$repo/docs/results/exp"
  (cd "$out" && find . \( -name results.json -o -name predictions.png -o -path './robustness/*.json' -o -name table.md \) -print0) |
    while IFS= read -r -d '' f; do mkdir -p "$dest/$(dirname "$f")"; cp "$out/$f" "$dest/$f"; done
  for try in 1 2 3 4 5; do # another commit in $repo may hold its index lock for a moment
    if (cd "$repo" && git add docs/results/exp && { git diff --cached --quiet -- docs/results/exp || git commit -q -m "experiments: $1" -- docs/results/exp; }); then return 0; fi
    sleep 3
  done
  echo "commit: could not commit '$1' in $repo" >&2
  return 1
}
