#!/usr/bin/env bash
# The kill test of --checkpoint-every / --resume (issue 13): a run killed with SIGKILL at random
# moments, and resumed each time from its last complete checkpoint, ends with the same model, byte for
# byte, as a run that was never killed.
#
#   kill_test.sh MLP_PROGRAM WORK_DIR [SEED] [KILLS]
#
# 1. The uninterrupted run trains a small fast configuration (many short epochs) to the end.
# 2. The interrupted run starts the same, with --checkpoint-every 1, and is killed after a random delay
#    (seeded: SEED, printed); each following start resumes from the checkpoint, if one was written yet,
#    and is killed again; KILLS kills in all (default 20). The kills land anywhere, also inside a
#    checkpoint's write: the atomic save (temp file, fsync, rename) must leave the last complete one.
#    A start that fails (e.g. it read a half-written checkpoint) fails the test.
# 3. A last resume runs to the end. Its model.xgrad must equal the uninterrupted run's.
set -euo pipefail
MLP="$1"
WORK="$2"
RANDOM="${3:-13}"  # seeds bash's $RANDOM: the kill times repeat from run to run
KILLS="${4:-20}"

# 3 spirals, 200 training examples in batches of 20, hidden 16, dropout (its masks must resume too):
# a few milliseconds per epoch.
FLAGS=(--dataset spirals --limit 200 --batch-size 20 --hidden 16 --dropout 0.1 --epochs 150 --seed 3 --quiet)
rm -rf "$WORK"
mkdir -p "$WORK"

"$MLP" "${FLAGS[@]}" --out "$WORK/uninterrupted" >"$WORK/uninterrupted.log" 2>&1 ||
  { cat "$WORK/uninterrupted.log"; exit 1; }

checkpoint="$WORK/interrupted/checkpoint.xgrad"
start_run() {  # starts the interrupted run in the background, resuming when there is a checkpoint
  local resume=()
  if [[ -f "$checkpoint" ]]; then resume=(--resume "$checkpoint"); fi
  "$MLP" "${FLAGS[@]}" --checkpoint-every 1 --out "$WORK/interrupted" "${resume[@]}" >"$WORK/run.log" 2>&1 &
  pid=$!
}

for ((kill = 1; kill <= KILLS; kill++)); do
  start_run
  # 20 to 219 ms: the start (data, model) takes a part of it, so some kills come before the first
  # epoch and some in the middle of a checkpoint.
  delay_ms=$((20 + RANDOM % 200))
  sleep "$(printf '0.%03d' "$delay_ms")"
  if kill -KILL "$pid" 2>/dev/null; then outcome="killed"; else outcome="had ended"; fi
  status=0
  wait "$pid" || status=$?
  # Killed: 128 + 9. Any other non-zero exit is a failure (a checkpoint it could not read, ...).
  if [[ $status -ne 0 && $status -ne 137 ]]; then
    echo "kill $kill: the run exited with $status:" >&2
    cat "$WORK/run.log" >&2
    exit 1
  fi
  resumed="$(grep -o 'resuming from .*: [0-9]* of' "$WORK/run.log" | grep -o '[0-9]* of$' | cut -d' ' -f1 || true)"
  echo "kill $kill after ${delay_ms} ms: $outcome (it started at epoch ${resumed:-0}; temp file left: $(
    [[ -f "$checkpoint.tmp" ]] && echo yes || echo no))"
done

start_run
wait "$pid" || { echo "the final resume failed:" >&2; cat "$WORK/run.log" >&2; exit 1; }
grep -o 'resuming from .*' "$WORK/run.log" || true
if ! cmp "$WORK/uninterrupted/model.xgrad" "$WORK/interrupted/model.xgrad"; then
  echo "the resumed run's model differs from the uninterrupted run's" >&2
  exit 1
fi
echo "after $KILLS kills, the resumed run's model.xgrad equals the uninterrupted run's, byte for byte"
