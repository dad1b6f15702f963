#!/usr/bin/env bash
# Single steps of the experiment plan (scripts/experiments-recipe.sh) in queues that run side by side,
# one process per queue (one queue per core), for a working session of known length: a step is
# skipped when its output exists, and not started when it would end after --until, so no run is left
# half-done when the session (and maybe the machine) ends. With COMMIT=1 every finished step's
# result files are committed at once (see commit() in the recipe; RESULTS_REPO picks the checkout).
#
# Usage: scripts/experiment-queue.sh [--until TIME] [--dry-run] QUEUE_FILE...
#   TIME: anything `date -d` reads (09:15, '2026-12-03 09:15', '90 minutes')
#
# A queue file has one step a line ('#' starts a comment); MINUTES is how long the step is expected to
# take (with the other queues running beside it):
#   cls ARCH POOL SEED MINUTES      train: $OUT/cls-ARCH/POOL/seedSEED (the classification recipe)
#   rob ARCH POOL SEED MINUTES      robustness of that model: $OUT/robustness/ARCH/POOL-seedSEED.json
#   seg VARIANT SEED MINUTES        segmentation: $OUT/segment/VARIANT/seedSEED
# A step also counts as done when its result is committed in docs/results/exp of $RESULTS_REPO (default:
# this checkout), so the same queue files carry on where an earlier session, maybe on another machine,
# stopped. (A model trained in an earlier session is not kept, so its robustness step is skipped: queue
# each `rob` after its `cls`.) scripts/queues/ holds the rest of the plan as two such queues.
# Queue files are found from the current directory; OUT and RESULTS_REPO, when relative, from the
# repository root (where the script runs, as scripts/experiments.sh does). Each queue logs to
# $OUT/queue-NAME.log (NAME: the file's name without its extension); --dry-run prints what each queue
# would run or skip (each step taking its minutes), and runs nothing. Every process runs one wasm
# thread.
set -euo pipefail
here="$PWD"
cd "$(dirname "$0")/.."
source scripts/experiments-recipe.sh
export LIFTPOOL_WASM_THREADS=1

until_s=""
dry=0
queues=()
while [ $# -gt 0 ]; do
  case "$1" in
    --until) until_s="$(date -d "${2:-}" +%s 2>/dev/null)" || { echo "experiment-queue: --until: not a time: ${2:-}" >&2; exit 2; }; shift 2 ;;
    --dry-run) dry=1; shift ;;
    -*) echo "experiment-queue: unknown option $1" >&2; exit 2 ;;
    *) q="$1"; [[ "$q" = /* ]] || q="$here/$q"
       [ -f "$q" ] || { echo "experiment-queue: no queue file $1" >&2; exit 2; }; queues+=("$q"); shift ;;
  esac
done
[ ${#queues[@]} -gt 0 ] || { echo "usage: $0 [--until TIME] [--dry-run] QUEUE_FILE..." >&2; exit 2; }

# The file a step writes last (it exists only when the step is done).
output_of() {
  case "$1" in
    cls) echo "$OUT/cls-$2/$3/seed$4/results.json" ;;
    rob) echo "$OUT/robustness/$2/$3-seed$4.json" ;;
    seg) echo "$OUT/segment/$2/seed$3/results.json" ;;
  esac
}

# Runs one step (its words as in the queue file, without MINUTES) in place of the calling (sub)shell,
# so that the step's pid is that of its command, which stops its own children on SIGTERM.
run_step() {
  case "$1" in
    cls) exec "${LP[@]}" sweep "${CLS[@]}" --arch "$2" --pools "$3" --seeds "$4" --jobs 1 --out "$OUT/cls-$2" ;;
    rob) mkdir -p "$OUT/robustness/$2"
         exec "${LP[@]}" robustness --model "$OUT/cls-$2/$3/seed$4" "${ROB[@]}" --json "$(output_of "$@")" ;;
    seg) exec "${LP[@]}" sweep "${SEG[@]}" --down-ups "$2" --seeds "$3" --jobs 1 --out "$OUT/segment" -- "${SEG_EXTRA[@]}" ;;
  esac
}

# Checks every step of queue file $1; prints the first bad one and fails.
validate() {
  local line n=0
  local -a w
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    read -r -a w <<< "${line%%#*}"
    [ ${#w[@]} -gt 0 ] || continue
    case "${w[0]}" in
      cls|rob) [ ${#w[@]} = 5 ] || { echo "experiment-queue: $1:$n: want '${w[0]} ARCH POOL SEED MINUTES': $line" >&2; return 2; } ;;
      seg) [ ${#w[@]} = 4 ] || { echo "experiment-queue: $1:$n: want 'seg VARIANT SEED MINUTES': $line" >&2; return 2; } ;;
      *) echo "experiment-queue: $1:$n: a step is cls, rob or seg: $line" >&2; return 2 ;;
    esac
    [[ "${w[${#w[@]}-1]}" =~ ^(0|[1-9][0-9]*)$ ]] || { echo "experiment-queue: $1:$n: MINUTES must be a whole number (no leading zero): $line" >&2; return 2; }
  done < "$1"
}

# The process $1 and all its descendants, deepest first.
tree() { local c; for c in $(pgrep -P "$1"); do tree "$c"; done; echo "$1"; }

# Sends SIGTERM to the process $1 only (a sweep passes it on to its training run, which then writes a
# checkpoint; a second signal would make the run quit without one) and waits, up to 2 minutes, until
# $1 and all its descendants have exited.
stop_step() {
  local i p all alive=()
  all=($(tree "$1"))
  kill -TERM "$1" 2>/dev/null || true
  for i in $(seq 1 600); do
    alive=()
    for p in "${all[@]}"; do kill -0 "$p" 2>/dev/null && alive+=("$p"); done
    [ ${#alive[@]} -gt 0 ] || return 0
    sleep 0.2
  done
  echo "experiment-queue: still running after 2 minutes: ${alive[*]}" >&2
}

# Runs the steps of queue file $1 in order.
queue() {
  local line kind minutes out words model ok
  local -a w
  local -A planned=() # --dry-run: the models this queue would train
  local now                # --dry-run: when the step would start (the steps before it take their minutes)
  now="$(date +%s)"
  # A queue stopped on its own (SIGTERM to every process of the script, as `pkill -f` sends) stops its
  # running step too, so that no step is left running without its queue.
  local step=""
  # (Further signals are ignored meanwhile: the script's own stop() signals each queue again.)
  trap 'trap "" INT TERM; [ -z "$step" ] || stop_step "$step"; exit 130' INT TERM
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%%#*}"
    read -r -a w <<< "$line"
    [ ${#w[@]} -gt 0 ] || continue
    kind="${w[0]}"
    minutes="${w[${#w[@]}-1]}"
    words="${w[*]:0:${#w[@]}-1}"
    out="$(output_of "${w[@]}")"
    if [ -f "$out" ] || [ -f "${RESULTS_REPO:-.}/docs/results/exp/${out#"$OUT"/}" ]; then echo "done already: $words"; continue; fi
    model="$OUT/cls-${w[1]}/${w[2]}/seed${w[3]}/results.json"
    if [ "$kind" = rob ] && [ ! -f "$model" ] && [ -z "${planned[$model]:-}" ]; then echo "skip (model not trained): $words"; continue; fi
    [ "$dry" = 1 ] || now="$(date +%s)"
    if [ -n "$until_s" ] && [ $(( now + 60 * minutes )) -gt "$until_s" ]; then echo "skip (would end after --until): $words"; continue; fi
    if [ "$dry" = 1 ]; then
      echo "would run: $words"
      now=$(( now + 60 * minutes ))
      [ "$kind" = cls ] && planned[$out]=1
      continue
    fi
    echo "$(date +%T) start: $words"
    run_step "${w[@]:0:${#w[@]}-1}" < /dev/null &
    step=$!
    ok=0
    wait "$step" || ok=$?
    step=""
    if [ "$ok" = 0 ]; then
      echo "$(date +%T) done: $words"
      commit "$words" || true
    else
      echo "$(date +%T) failed: $words" >&2
    fi
  done < "$1"
}

for q in "${queues[@]}"; do validate "$q" || exit 2; done
mkdir -p "$OUT"
if [ "$dry" = 1 ]; then
  for q in "${queues[@]}"; do name="$(basename "${q%.*}")"; sed "s/^/$name: /" <(queue "$q"); done
  exit 0
fi
# Ctrl-C or SIGTERM stops every queue and its running step (a training run writes its checkpoint
# on SIGTERM and resumes from it next time).
stop() {
  trap - INT TERM
  kill -TERM "${pids[@]}" 2>/dev/null || true # each queue stops its running step (see queue())
  wait || true
  echo "experiment-queue: stopped" >&2
  exit 130
}
trap stop INT TERM
pids=()
for q in "${queues[@]}"; do
  queue "$q" > "$OUT/queue-$(basename "${q%.*}").log" 2>&1 &
  pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
exit "$rc"
