#!/usr/bin/env bash
# A rank SIGKILLed in the middle of a 2-rank job (issue 26): the job must end (mpirun notices the dead
# rank and stops the other one, which would otherwise wait forever at the next allreduce), and the job
# resumed under mpirun from the last complete checkpoint must end with the very bytes of a job never
# killed: model.xgrad, and metrics.csv but for its seconds column.
#
#   kill_rank_test.sh MLP_PROGRAM WORK_DIR MPIEXEC MPIEXEC_FLAG...
#
# 1. The uninterrupted job: 2 ranks, to the end.
# 2. The same job with --checkpoint-every 1; once rank 0 has written the checkpoint of epoch 2, rank 1
#    (found by OMPI_COMM_WORLD_RANK=1 in its environment) gets SIGKILL. The job must end, with an
#    error, within 20 s.
# 3. --resume from the checkpoint left, under mpirun, to the end; its files are compared.
set -euo pipefail
MLP="$1"
WORK="$2"
shift 2
MPIRUN=("$@")

# Spirals, 200 training examples, 4 global batches of 50 an epoch (25 a rank), dropout (each rank's masks must resume
# too): tens of milliseconds an epoch, so the kill lands with most of the 12 epochs to go.
FLAGS=(--dataset spirals --limit 200 --batch-size 50 --hidden 16 --dropout 0.1 --epochs 12 --seed 5 --quiet)
rm -rf "$WORK"
mkdir -p "$WORK"

"${MPIRUN[@]}" -np 2 "$MLP" "${FLAGS[@]}" --out "$WORK/uninterrupted" >"$WORK/uninterrupted.log" 2>&1 ||
  { cat "$WORK/uninterrupted.log"; exit 1; }

# One checkpoint file per epoch: the atomic save (temp file, fsync, rename) makes one exist only
# once complete.
checkpoints="$WORK/checkpoints"
mkdir -p "$checkpoints"
"${MPIRUN[@]}" -np 2 "$MLP" "${FLAGS[@]}" --checkpoint-every 1 --checkpoint "$checkpoints/ckpt-{epoch}.xgrad" \
  --out "$WORK/interrupted" >"$WORK/killed.log" 2>&1 &
job=$!

# The ranks are mpirun's children; rank R is the one whose environment says OMPI_COMM_WORLD_RANK=R.
rank_pid() {
  local child
  for child in $(pgrep -P "$job" || true); do
    if tr '\0' '\n' <"/proc/$child/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$1"; then
      echo "$child"
      return
    fi
  done
}
# Rank 1 dies as soon as epoch 2's checkpoint exists: mid-run, rank 0 about to meet it again.
for ((wait_ms = 0; ; wait_ms += 5)); do
  if [[ -f "$checkpoints/ckpt-2.xgrad" ]]; then break; fi
  if ! kill -0 "$job" 2>/dev/null; then
    echo "the job ended before epoch 2's checkpoint:" >&2
    cat "$WORK/killed.log" >&2
    exit 1
  fi
  if ((wait_ms > 60000)); then
    echo "no checkpoint of epoch 2 after 60 s" >&2
    exit 1
  fi
  sleep 0.005
done
victim="$(rank_pid 1)"
[[ -n "$victim" ]] || { echo "rank 1 not found among mpirun's children" >&2; exit 1; }
kill -KILL "$victim"
echo "rank 1 (pid $victim) killed after ${wait_ms} ms"

# The job must end by itself: mpirun stops rank 0 once it sees rank 1 die.
for ((ended_ms = 0; ended_ms <= 20000; ended_ms += 10)); do
  kill -0 "$job" 2>/dev/null || break
  sleep 0.01
done
if kill -0 "$job" 2>/dev/null; then
  echo "the job still runs 20 s after rank 1 was killed: it hangs" >&2
  kill -KILL "$job"
  exit 1
fi
status=0
wait "$job" || status=$?
if [[ $status -eq 0 ]]; then
  echo "the job with a killed rank exited 0 (expected an error):" >&2
  cat "$WORK/killed.log" >&2
  exit 1
fi
echo "the job ended with exit code $status within ${ended_ms} ms of the kill"

# The last complete checkpoint (epoch 2, or a later one written before rank 0 was stopped).
last="$(ls "$checkpoints"/ckpt-*.xgrad | sort -t- -k2 -n | tail -n 1)"
if [[ -f "$WORK/interrupted/model.xgrad" ]]; then
  echo "the killed job wrote its final model: the kill came too late" >&2
  exit 1
fi
"${MPIRUN[@]}" -np 2 "$MLP" "${FLAGS[@]}" --checkpoint-every 1 --checkpoint "$checkpoints/ckpt-{epoch}.xgrad" \
  --out "$WORK/interrupted" --resume "$last" \
  >"$WORK/resumed.log" 2>&1 || { echo "the resumed job failed:" >&2; cat "$WORK/resumed.log" >&2; exit 1; }
grep -o 'resuming from .*' "$WORK/resumed.log"
cmp "$WORK/uninterrupted/model.xgrad" "$WORK/interrupted/model.xgrad"
# The optimizer's state too: each rank updates only its share of it (the sharded step), so every save
# (the checkpoints, this file) must first gather the whole of it.
cmp "$WORK/uninterrupted/model.xgrad.optim" "$WORK/interrupted/model.xgrad.optim"
without_seconds() { cut -d, -f1-6 "$1"; }
cmp <(without_seconds "$WORK/uninterrupted/metrics.csv") <(without_seconds "$WORK/interrupted/metrics.csv")
echo "the resumed job's model.xgrad and metrics.csv equal the uninterrupted job's, byte for byte (model.xgrad.optim too)"
