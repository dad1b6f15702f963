#!/usr/bin/env bash
# Every speed benchmark of the README's Performance section in one pass, into DIR (issue 16): the
# PyTorch side-by-side (both constraint forms, 1 and 2 threads each side), wasm threads (with and
# without the helper threads), the step profile (both forms) and `liftpool bench` (whose JSON is
# docs/results/bench.json). Run it on an otherwise idle machine (stop or SIGSTOP experiment runs
# first); DIR/times.txt records when each part ran and the load average then. About 4 minutes here.
#
#   bench/quiet-window.sh DIR
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# = 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
O="$1"; mkdir -p "$O"
log() { echo "== $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg): $*" | tee -a "$O/times.txt"; }
log start
for T in 1 2; do
  log "compare-pytorch detached, $T thread(s)"
  LIFTPOOL_WASM_THREADS=$T npx tsx bench/compare-pytorch.ts --steps 20 --torch-threads $T --json "$O/cmp-detached-$T.json" > "$O/cmp-detached-$T.txt" 2>&1
  log "compare-pytorch paper, $T thread(s)"
  LIFTPOOL_WASM_THREADS=$T npx tsx bench/compare-pytorch.ts --steps 20 --torch-threads $T --constraint paper --json "$O/cmp-paper-$T.json" > "$O/cmp-paper-$T.txt" 2>&1
done
log "wasm threads"; npx tsx bench/wasm-threads.ts --threads 2 --rounds 4 --steps 6 --top 12 > "$O/threads.txt" 2>&1
log "wasm threads, helpers off"; LIFTPOOL_WASM_HELPERS=0 npx tsx bench/wasm-threads.ts --threads 2 --rounds 2 --steps 6 --top 5 > "$O/threads-nohelpers.txt" 2>&1
log "train-profile"; LIFTPOOL_WASM_THREADS=1 npx tsx bench/train-profile.ts --steps 12 > "$O/profile.txt" 2>&1
log "train-profile paper"; LIFTPOOL_WASM_THREADS=1 npx tsx bench/train-profile.ts --steps 12 --constraint paper > "$O/profile-paper.txt" 2>&1
log "liftpool bench"; LIFTPOOL_WASM_THREADS=1 npm run -s liftpool -- bench --backends wasm,cpu --reps 3 --steps 12 --json "$O/bench.json" > "$O/bench.txt" 2>&1
log done
