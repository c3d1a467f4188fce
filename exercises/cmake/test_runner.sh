#!/usr/bin/env bash
# ctest's test of scripts/exercise.sh (exercises/CMakeLists.txt): on the shipped skeletons it reports
# "not started", on the solutions "done"; a copy of a solution with one mistake shows the failing
# check with its expected and actual numbers and the hint (the formula only with --hint); --reset
# restores a file and keeps a backup.
# Argument: the build folder. Exit 77 (skipped) for the skeleton part when exercises/ has local changes.
set -euo pipefail
BUILD_DIR="$(cd "$1" && pwd)"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNNER="$ROOT/scripts/exercise.sh"
export XGRAD_BUILD_DIR="$BUILD_DIR"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
fail() { echo "FAILED: $1" >&2; exit 1; }
expect_in() {  # expect_in FILE TEXT WHAT
  grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "$3: no '$2' in the output above"; }
}

# Solutions: every exercise done.
"$RUNNER" --no-build --solutions >"$SCRATCH/solutions.txt"
count="$(grep -c '^  [0-9][0-9]-' "$SCRATCH/solutions.txt")"
((count > 0)) || fail "the status lists no exercise"
[[ "$(grep -c '^  [0-9][0-9]-.* done$' "$SCRATCH/solutions.txt")" == "$count" ]] ||
  { cat "$SCRATCH/solutions.txt" >&2; fail "not every solution is reported done"; }
echo "solutions: $count exercises done"

# A solution with one mistake (step() adds the gradient), built as a copy of exercises/ on its own.
mkdir "$SCRATCH/copy"
(cd "$ROOT/exercises" && tar --exclude=./build -cf - .) | (cd "$SCRATCH/copy" && tar -xf -)
solution="$SCRATCH/copy/solutions/01-optimizer-step/step.cpp"
grep -q 'return w - lr \* grad;' "$solution" || fail "exercise 01's solution no longer reads 'return w - lr * grad;'"
sed -i 's/return w - lr \* grad;/return w + lr * grad;/' "$solution"
if "$RUNNER" --exercises-dir "$SCRATCH/copy" --solutions 1 >"$SCRATCH/wrong.txt" 2>&1; then
  cat "$SCRATCH/wrong.txt" >&2
  fail "a wrong solution is reported done"
fi
expect_in "$SCRATCH/wrong.txt" "FAIL  OptimizerStep.StepMovesTheWeightAgainstTheGradient" "the wrong solution"
expect_in "$SCRATCH/wrong.txt" "exercises/01-optimizer-step/test.cpp:" "where the check failed"
expect_in "$SCRATCH/wrong.txt" "Which is: 3.5999999" "the actual value 3 + 0.1 * 6"
expect_in "$SCRATCH/wrong.txt" "Which is: 2.4000001" "the expected value"
expect_in "$SCRATCH/wrong.txt" "Hint: 3.6 where 2.4 is expected means the weight moved with the gradient" "the hint (the nudge)"
expect_in "$SCRATCH/wrong.txt" "(stuck? scripts/exercise.sh 01 --hint shows the formula)" "the pointer to the formula"
grep -q "Formula:" "$SCRATCH/wrong.txt" && fail "the formula is shown without --hint"
expect_in "$SCRATCH/wrong.txt" "0 of 4 checks pass." "the count"
"$RUNNER" --exercises-dir "$SCRATCH/copy" --solutions --no-build --hint 1 >"$SCRATCH/formula.txt" 2>&1 || true
expect_in "$SCRATCH/formula.txt" "Formula: w_new = w - lr * grad" "the formula with --hint"
echo "a wrong solution: its failures, numbers and hints are shown; --hint adds the formula"

# --reset restores a student's file from git and keeps the student's version.
git -C "$SCRATCH/copy" init -q
git -C "$SCRATCH/copy" add -A
git -C "$SCRATCH/copy" -c user.name=test -c user.email=test@example.com commit -qm shipped
student="$SCRATCH/copy/01-optimizer-step/step.cpp"
shipped="$(cat "$student")"
echo "// the student's work" >"$student"
"$RUNNER" --exercises-dir "$SCRATCH/copy" --reset 1 >"$SCRATCH/reset.txt"
[[ "$(cat "$student")" == "$shipped" ]] || fail "--reset did not restore step.cpp"
backups=("$student".backup-*)
[[ -f "${backups[0]}" && "$(cat "${backups[0]}")" == "// the student's work" ]] || fail "--reset kept no backup"
expect_in "$SCRATCH/reset.txt" "your version is in" "--reset's message"
echo "--reset: restored, with a backup"

# Skeletons: every exercise not started, unless someone is working on them in this checkout.
if ! git -C "$ROOT" diff --quiet HEAD -- exercises 2>/dev/null; then
  echo "exercises/ has local changes: the skeleton part is skipped"
  exit 77
fi
"$RUNNER" --no-build --report "$SCRATCH/report.md" >"$SCRATCH/skeletons.txt"
[[ "$(grep -c '^  [0-9][0-9]-.* not started$' "$SCRATCH/skeletons.txt")" == "$count" ]] ||
  { cat "$SCRATCH/skeletons.txt" >&2; fail "not every skeleton is reported not started"; }
expect_in "$SCRATCH/report.md" "| 01-optimizer-step | not started | - |" "the report"
expect_in "$SCRATCH/report.csv" "01-optimizer-step,\"not started\",0,4" "the CSV report"
echo "skeletons: $count exercises not started; the report says so"
