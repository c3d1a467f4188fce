#!/usr/bin/env bash
# ctest's test of the README check (scripts/exercise.sh --check-readmes, also run by
# --check-skeletons in CI): every task of the shipped exercises has its hint in two tiers, a Hint in
# words and a Formula in notation, neither with code; and a README that breaks the rule is refused,
# naming the task and what is wrong. Builds nothing. Argument: none.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNNER="$ROOT/scripts/exercise.sh"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
fail() { echo "FAILED: $1" >&2; exit 1; }

# The shipped exercises pass.
"$RUNNER" --check-readmes >"$SCRATCH/shipped.txt" || { cat "$SCRATCH/shipped.txt" >&2; fail "the shipped READMEs are refused"; }
grep -q "^exercise READMEs: all [0-9]* tasks have a Hint" "$SCRATCH/shipped.txt" || fail "no summary line"
echo "shipped: $(cat "$SCRATCH/shipped.txt")"

# A copy of exercise 01's README (the check reads only README.md and exercise.cmake), broken one way
# at a time: each must be refused with the task's name and the reason.
task='OptimizerStep.StepMovesTheWeightAgainstTheGradient'
copy="$SCRATCH/exercises/01-optimizer-step"
mkdir -p "$copy"
cp "$ROOT/exercises/01-optimizer-step/exercise.cmake" "$copy/"
original="$ROOT/exercises/01-optimizer-step/README.md"
grep -q "^  Hint: 3.6 where 2.4 is expected" "$original" || fail "exercise 01's first hint has changed: update this test"
grep -q "^  Formula: w_new = w - lr \* grad$" "$original" || fail "exercise 01's first formula has changed: update this test"

expect_refused() {  # expect_refused WHAT EXPECTED_TEXT SED_SCRIPT
  sed "$3" "$original" >"$copy/README.md"
  cmp -s "$copy/README.md" "$original" && fail "$1: the edit changed nothing"
  if "$RUNNER" --exercises-dir "$SCRATCH/exercises" --check-readmes >"$SCRATCH/out.txt" 2>&1; then
    cat "$SCRATCH/out.txt" >&2
    fail "$1: accepted"
  fi
  grep -qF -- "$2" "$SCRATCH/out.txt" || { cat "$SCRATCH/out.txt" >&2; fail "$1: no '$2' in the output above"; }
  echo "refused, $1: $(grep -F -- "$2" "$SCRATCH/out.txt" | head -1)"
}

# The unbroken copy passes: the refusals below come from the edits.
cp "$original" "$copy/README.md"
"$RUNNER" --exercises-dir "$SCRATCH/exercises" --check-readmes >"$SCRATCH/out.txt" || { cat "$SCRATCH/out.txt" >&2; fail "the unbroken copy is refused"; }

expect_refused "code in a Hint" "task $task: its Hint holds code or a formula ('::')" \
  "s|^  Hint: 3.6 where.*|  Hint: return w - lr * grad, or std::fma(grad, -lr, w).|"
expect_refused "an equation in a Hint" "task $task: its Hint holds code or a formula ('=')" \
  "s|^  Hint: 3.6 where.*|  Hint: the new weight w_new = w - lr * grad.|"
expect_refused "a statement in a Formula" "task $task: its Formula holds code ('-=')" \
  "s|^  Formula: w_new = w - lr \* grad$|  Formula: w -= lr * grad;|"
expect_refused "a method call in a Formula" "task $task: its Formula holds code ('.data(')" \
  "s|^  Formula: w_new = w - lr \* grad$|  Formula: w_new = w.data() - lr * grad|"
expect_refused "a loop in a Formula" "its Formula holds code ('for (')" \
  "s|^  Formula: xs = .*|  Formula: for (k = 0; k < steps; k = k + 1) x = x - lr * 2 x|"
expect_refused "no Formula" "task $task has 1 Hint: and 0 Formula: lines" \
  "/^  Formula: w_new = w - lr \* grad$/d"
expect_refused "no Hint" "task $task has 0 Hint: and 1 Formula: lines" \
  "/^  Hint: 3.6 where/d"
expect_refused "two Hints" "task $task has 2 Hint: and 1 Formula: lines" \
  "s|^  Formula: w_new = w - lr \* grad$|  Hint: another nudge.\n&|"
