#!/usr/bin/env bash
# ctest's test of scripts/grade.sh (exercises/CMakeLists.txt, ExerciseGrader), on exercise 01 alone
# with a hidden check worth 3 points. Made-up students:
#   right     the reference solution                       -> every point
#   tamperer  test.cpp's checks replaced by SUCCEED()      -> no point (the teacher's checks are used)
#   looper    step() loops forever                         -> TIMEOUT, grading goes on
#   crasher   step() writes through a null pointer         -> CRASH with its signal
#   hog       step() fills 8 GB before answering                 -> FAIL: std::bad_alloc at the memory limit
#   peeker    step() is right only if it can read the hidden check's file -> no point: it is not there
#   wrong     an honest mistake: the descent's list forgets its start   -> the points of the checks
#             it passes (step's own check and the hidden one, 1 + 3), none of the three it fails
# then reads class.csv and the JUnit file back and checks their points; a regrade of one student
# replaces their row.
# Argument: the build folder.
set -euo pipefail
BUILD_DIR="$(cd "$1" && pwd)"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export XGRAD_BUILD_DIR="$BUILD_DIR"
SCRATCH="$(mktemp -d)"
trap '[[ -n "${KEEP:-}" ]] || rm -rf "$SCRATCH"' EXIT
fail() { echo "FAILED: $1" >&2; exit 1; }

# (scripts/grade.sh installs bubblewrap, jq and xmllint, which this test uses too; a user who is not
# root and lacks them gets the apt-get line and the test fails.)

submissions="$SCRATCH/submissions"
hidden="$SCRATCH/hidden"
solution="$ROOT/exercises/solutions/01-optimizer-step/step.cpp"
new_student() {  # new_student NAME: a handed-out repository's exercises/ with the skeletons
  mkdir -p "$submissions/$1/exercises"
  cp -r "$ROOT/exercises/01-optimizer-step" "$submissions/$1/exercises/"
}
new_student right
cp "$solution" "$submissions/right/exercises/01-optimizer-step/step.cpp"
new_student tamperer
sed -i 's/^TEST(\(.*\)) {/TEST(\1) {\n  SUCCEED();\n  return;/' "$submissions/tamperer/exercises/01-optimizer-step/test.cpp"
grep -q 'SUCCEED' "$submissions/tamperer/exercises/01-optimizer-step/test.cpp" || fail "the tampering did not apply"
stub() {  # stub NAME BODY-OF-step(): the other function as in the solution
  new_student "$1"
  sed "s|^float step(float w, float grad, float lr) {.*|float step(float w, float grad, float lr) { $2 }|" "$solution" \
    >"$submissions/$1/exercises/01-optimizer-step/step.cpp"
  sed -i '1i #include <fstream>\n#include <vector>' "$submissions/$1/exercises/01-optimizer-step/step.cpp"
}
grep -q '^float step(float w, float grad, float lr) {' "$solution" || fail "the solution's step() no longer starts on one line"
new_student wrong
sed 's/std::vector<float> xs{x0};/std::vector<float> xs;/' "$solution" >"$submissions/wrong/exercises/01-optimizer-step/step.cpp"
grep -q 'std::vector<float> xs;' "$submissions/wrong/exercises/01-optimizer-step/step.cpp" || fail "the wrong student's mistake did not apply"
stub looper 'volatile bool forever = true; while (forever) {} return w;'
stub crasher 'volatile int* nowhere = nullptr; *nowhere = 1; return w;'
stub hog 'static std::vector<char> hog; hog.assign(std::size_t(8) << 30, 1); return w - lr * grad;'
stub peeker "if (!std::ifstream(\"$hidden/01-optimizer-step/hidden.cpp\")) return 0.0f; return w - lr * grad;"

mkdir -p "$hidden/01-optimizer-step"
cat >"$hidden/01-optimizer-step/hidden.cpp" <<'EOF'
// A hidden check: a negative gradient moves the weight up.
#include "step.hpp"

#include <gtest/gtest.h>

TEST(HiddenStep, NegativeGradientMovesTheWeightUp) { EXPECT_EQ(course::step(1.0f, -2.0f, 0.5f), 2.0f); }
EOF
cat >"$SCRATCH/settings.txt" <<'EOF'
points    *                  1
points    */HiddenStep.*     3
seconds   *                  3
megabytes *                  1024
EOF

out="$SCRATCH/gradebook"
"$ROOT/scripts/grade.sh" "$submissions" --out "$out" --hidden "$hidden" --settings "$SCRATCH/settings.txt" --only 01 \
  >"$SCRATCH/grade.txt" 2>&1 || { cat "$SCRATCH/grade.txt" >&2; fail "grade.sh failed"; }
grep -q "bubblewrap cannot" "$SCRATCH/grade.txt" && { cat "$SCRATCH/grade.txt"; echo "no sandbox here: skipped"; exit 77; }

# class.csv: a header and one row per student, with the points expected (4 visible checks + 3).
expected='student,points,max_points,01-optimizer-step
"crasher",0,7,0
"hog",0,7,0
"looper",0,7,0
"peeker",0,7,0
"right",7,7,7
"tamperer",0,7,0
"wrong",4,7,4'
[[ "$(cat "$out/class.csv")" == "$expected" ]] ||
  { cat "$SCRATCH/grade.txt" >&2; echo "class.csv:" >&2; cat "$out/class.csv" >&2; fail "class.csv is not as expected"; }
echo "class.csv: right 7 of 7, wrong 4 of 7, the tamperer, looper, crasher, hog and peeker 0"

tsv() { cat "$out/students/$1/results.tsv"; }
tsv looper | grep -q $'StepMovesTheWeightAgainstTheGradient\tTIMEOUT\t0\t1\tvisible\ttimed out' ||
  { tsv looper >&2; fail "the looper's first check is not a timeout"; }
tsv crasher | grep -q $'\tCRASH\t0\t1\tvisible\tcrashed: killed by signal 11 (SEGV)' ||
  { tsv crasher >&2; fail "the crasher's checks are not crashes with their signal"; }
tsv peeker | grep -q $'HiddenStep.NegativeGradientMovesTheWeightUp\tFAIL\t0\t3\thidden' ||
  { tsv peeker >&2; fail "the peeker's hidden check did not fail"; }
tsv hog | grep -q $'StepMovesTheWeightAgainstTheGradient\tFAIL\t0\t1\tvisible\t.*std::bad_alloc' ||
  { tsv hog >&2; fail "the hog's allocation was not stopped by the memory limit"; }
echo "the looper timed out, the crasher crashed (SEGV), the hog met the memory limit, the peeker found no hidden check"

# The JUnit and Gradescope files parse and hold the same points.
for student in right looper; do
  xmllint --noout "$out/students/$student/junit.xml" || fail "$student's junit.xml does not parse"
done
[[ "$(xmllint --xpath 'count(//testcase)' "$out/students/right/junit.xml")" == 5 ]] || fail "right's JUnit file has not 5 checks"
[[ "$(xmllint --xpath 'count(//failure)' "$out/students/right/junit.xml")" == 0 ]] || fail "right's JUnit file has failures"
[[ "$(xmllint --xpath 'count(//failure[@type="TIMEOUT"])' "$out/students/looper/junit.xml")" == 5 ]] ||
  fail "the looper's JUnit file has not 5 timeouts"
[[ "$(xmllint --xpath 'sum(//property[@name="points"]/@value)' "$out/students/right/junit.xml")" == 7 ]] ||
  fail "right's JUnit points do not add up to 7"
[[ "$(xmllint --xpath 'count(//failure)' "$out/students/wrong/junit.xml")" == 3 ]] || fail "the wrong student's JUnit file has not 3 failures"
[[ "$(xmllint --xpath 'sum(//property[@name="points"]/@value)' "$out/students/wrong/junit.xml")" == 4 ]] ||
  { cat "$out/students/wrong/junit.xml" >&2; fail "the wrong student's JUnit points do not add up to 4"; }
[[ "$(jq '.score' "$out/students/right/results.json")" == 7 && "$(jq '.score' "$out/students/peeker/results.json")" == 0 &&
  "$(jq '.score' "$out/students/wrong/results.json")" == 4 ]] ||
  fail "the Gradescope scores are not 7, 0 and 4"
[[ "$(jq -r '.tests[] | select(.name | contains("Hidden")) | .visibility' "$out/students/right/results.json")" == after_published ]] ||
  fail "the hidden check is visible in Gradescope's results"
echo "junit.xml and results.json parse and hold the same points"

# A regrade of one student replaces their row only.
cp "$solution" "$submissions/tamperer/exercises/01-optimizer-step/step.cpp"
"$ROOT/scripts/grade.sh" "$submissions" --out "$out" --hidden "$hidden" --settings "$SCRATCH/settings.txt" --only 01 \
  --student tamperer >"$SCRATCH/regrade.txt" 2>&1 || { cat "$SCRATCH/regrade.txt" >&2; fail "the regrade failed"; }
[[ "$(cat "$out/class.csv")" == "${expected/\"tamperer\",0,7,0/\"tamperer\",7,7,7}" ]] ||
  { cat "$out/class.csv" >&2; fail "the regrade did not replace the tamperer's row alone"; }
echo "a regrade replaced one row"

# The control: without the sandbox the peeker reads the hidden check and scores (so the sandbox is
# what hides it, and this test can fail).
"$ROOT/scripts/grade.sh" "$submissions" --out "$out" --hidden "$hidden" --settings "$SCRATCH/settings.txt" --only 01 \
  --student peeker --no-sandbox >"$SCRATCH/control.txt" 2>&1 || { cat "$SCRATCH/control.txt" >&2; fail "the control run failed"; }
grep -q '^"peeker",7,7,7$' "$out/class.csv" || { cat "$out/class.csv" >&2; fail "without the sandbox the peeker should score 7"; }
echo "control: without the sandbox the peeker scores 7"
