#!/usr/bin/env bash
# The teaching track's one command (exercises/README.md):
#   scripts/exercise.sh              every exercise with its state: not started, k of n checks pass, done
#   scripts/exercise.sh 3            builds exercise 3 only, runs its checks: each PASS or FAIL, a failure
#                                    with its expected and actual numbers and the task's hint
#   scripts/exercise.sh --solutions [3]   the same with the reference solutions
#   scripts/exercise.sh --reset 3    restores exercise 3's files as shipped (yours are kept as backups)
#   scripts/exercise.sh --report [FILE]   writes a summary for the teacher (exercise-report.md and .csv)
#   scripts/exercise.sh --check-skeletons   (CI) every check fails on the skeletons unless it is named
#                                    Given..., every check passes on the solutions, READMEs match tests
# Options: --exercises-dir DIR (or XGRAD_EXERCISES_DIR) uses another copy of exercises/, built on its
# own against xgrad installed from build/ into a scratch prefix; --no-build runs what is built.
# Installs nothing beyond scripts/setup.sh (which it calls when build/ is not configured yet).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${XGRAD_BUILD_DIR:-$ROOT/build}"
EXERCISES_DIR="${XGRAD_EXERCISES_DIR:-$ROOT/exercises}"
JOBS="$(nproc 2>/dev/null || echo 2)"

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

mode=status
variant=""  # "" the student's code, "_solution" the reference
build=true
target=""
report_file=""
while (($# > 0)); do
  case "$1" in
    --solutions) variant="_solution" ;;
    --reset) mode=reset ;;
    --report)
      mode=report
      if [[ $# -gt 1 && "$2" != -* ]]; then report_file="$2"; shift; fi
      ;;
    --check-skeletons) mode=check ;;
    --no-build) build=false ;;
    --exercises-dir)
      [[ $# -gt 1 ]] || { echo "exercise.sh: --exercises-dir needs a folder" >&2; exit 2; }
      EXERCISES_DIR="$2"; shift
      ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "exercise.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *)
      [[ -z "$target" ]] || { echo "exercise.sh: one exercise at a time (got $target and $1)" >&2; exit 2; }
      target="$1"
      ;;
  esac
  shift
done
if [[ "$mode" == status && -n "$target" ]]; then mode=one; fi
if [[ "$mode" == reset && -z "$target" ]]; then echo "exercise.sh: --reset needs an exercise, e.g. --reset 3" >&2; exit 2; fi

[[ -d "$EXERCISES_DIR" ]] || { echo "exercise.sh: no exercises folder at $EXERCISES_DIR" >&2; exit 2; }
EXERCISES_DIR="$(cd "$EXERCISES_DIR" && pwd)"
# The repository's exercises/ are built in build/ with the library; another copy on its own.
if [[ "$EXERCISES_DIR" == "$ROOT/exercises" ]]; then
  standalone=false
  BIN_DIR="$BUILD_DIR/exercises"
  EXERCISE_BUILD_DIR="$BUILD_DIR"
else
  standalone=true
  EXERCISE_BUILD_DIR="${XGRAD_EXERCISES_BUILD_DIR:-$EXERCISES_DIR/build}"
  BIN_DIR="$EXERCISE_BUILD_DIR"
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# ---- the exercises and what their files say -------------------------------------------------------

all_exercises() {
  local dir
  for dir in "$EXERCISES_DIR"/[0-9][0-9]-*/; do
    [[ -f "$dir/exercise.cmake" ]] && basename "$dir"
  done
  return 0
}

# "3", "03", "03-adam" or "adam" -> "03-adam".
resolve() {
  local want="$1" name
  if [[ "$want" =~ ^[0-9]+$ ]]; then want="$(printf '%02d' "$((10#$want))")"; fi
  while read -r name; do
    if [[ "$name" == "$want" || "${name:0:2}" == "$want" || "${name:3}" == "$want" ]]; then
      echo "$name"
      return 0
    fi
  done < <(all_exercises)
  echo "exercise.sh: no exercise '$1' in $EXERCISES_DIR (scripts/exercise.sh lists them)" >&2
  exit 2
}

# The values of one set() in an exercise.cmake (kept on one line, see exercises/cmake/XgradExercise.cmake).
exercise_setting() {
  sed -n "s/^set($2[[:space:]]\{1,\}\([^)]*\)).*/\1/p" "$EXERCISES_DIR/$1/exercise.cmake" | head -1
}

# The README's tasks: a checklist line "- [ ] `Suite.Test`: what it checks", continued on indented
# lines, then "  Hint: ..." on one line. Prints "TASK<TAB>Suite.Test<TAB>text" and "HINT<TAB>...".
readme_tasks() {
  [[ -f "$EXERCISES_DIR/$1/README.md" ]] || return 0
  awk '
    /^- \[[ xX]\] `[A-Za-z0-9_]+\.[A-Za-z0-9_]+`/ {
      if (name != "") print "TASK\t" name "\t" text
      name = $0; sub(/^- \[[ xX]\] `/, "", name); sub(/`.*/, "", name)
      text = $0; sub(/^- \[[ xX]\] `[^`]*`:? */, "", text)
      in_task = 1; next
    }
    in_task && /^  Hint: / { hint = $0; sub(/^  Hint: /, "", hint); print "HINT\t" name "\t" hint; next }
    in_task && /^  [^ ]/ { line = $0; sub(/^ +/, "", line); text = text " " line; next }
    { if (name != "") print "TASK\t" name "\t" text; name = ""; in_task = 0 }
    END { if (name != "") print "TASK\t" name "\t" text }
  ' "$EXERCISES_DIR/$1/README.md"
}

readme_field() {  # readme_field NAME TASK|HINT Suite.Test
  readme_tasks "$1" | awk -F '\t' -v kind="$2" -v test="$3" '$1 == kind && $2 == test { print $3; exit }'
}

is_given() { [[ "${1#*.}" == Given* ]]; }

# ---- building -------------------------------------------------------------------------------------

configure() {
  if ! $standalone; then
    if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
      echo "Configuring $BUILD_DIR (once) ..."
      "$ROOT/scripts/setup.sh" --configure-only
    fi
    return 0
  fi
  # Another copy of exercises/: xgrad from build/, installed into a prefix beside the copy's build.
  if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then "$ROOT/scripts/setup.sh" --configure-only; fi
  cmake --build "$BUILD_DIR" --parallel "$JOBS" --target xgrad_core xgrad_autograd xgrad_nn xgrad_optim xgrad_data >"$WORK/xgrad-build.log" 2>&1 ||
    { cat "$WORK/xgrad-build.log" >&2; exit 1; }
  cmake --install "$BUILD_DIR" --prefix "$EXERCISE_BUILD_DIR/xgrad-prefix" >/dev/null
  if [[ ! -f "$EXERCISE_BUILD_DIR/CMakeCache.txt" ]]; then
    cmake -S "$EXERCISES_DIR" -B "$EXERCISE_BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$EXERCISE_BUILD_DIR/xgrad-prefix" -DXGRAD_SOURCE_DIR="$ROOT" >"$WORK/configure.log" 2>&1 ||
      { cat "$WORK/configure.log" >&2; exit 1; }
  fi
}

# Builds one exercise's checks (and program) in one variant; on failure prints the compiler's errors.
build_exercise() {  # build_exercise NAME VARIANT [quiet]
  local number="${1:0:2}" targets
  if [[ "$2" == _solution && ! -d "$EXERCISES_DIR/solutions/$1" ]]; then
    [[ "${3:-}" == quiet ]] || echo "exercise $1 has no reference solution here ($EXERCISES_DIR/solutions/$1 is missing)"
    return 1
  fi
  targets=("exercise_${number}$2")
  [[ -n "$(exercise_setting "$1" EXERCISE_PROGRAM)" ]] && targets+=("exercise_${number}$2_program")
  $build || return 0
  if ! cmake --build "$EXERCISE_BUILD_DIR" --parallel "$JOBS" --target "${targets[@]}" >"$WORK/build-$1.log" 2>&1; then
    if [[ "${3:-}" != quiet ]]; then
      echo "exercise $1 does not compile:"
      # The compiler's own lines about errors, with paths shortened to the repository.
      grep -E -A2 ': error:|: fatal error:|undefined reference|CMake Error' "$WORK/build-$1.log" |
        grep -v -E '^g?make|^--$' | sed -e "s|$EXERCISES_DIR/|exercises/|g" -e "s|$ROOT/||g" | head -30
    fi
    return 1
  fi
}

# ---- running the checks ---------------------------------------------------------------------------

# Runs one exercise's checks and writes $WORK/NAME.results: "RESULT<TAB>Suite.Test<TAB>PASS|FAIL|CRASH"
# lines, each failure followed by its gtest messages as "MESSAGE<TAB>Suite.Test<TAB>line". The plain
# gtest output is read (not its JSON file), since a check that crashes still leaves it behind.
run_checks() {  # run_checks NAME VARIANT
  local binary="$BIN_DIR/$1/exercise_${1:0:2}$2" results="$WORK/$1.results"
  if [[ ! -x "$binary" ]]; then
    echo "NOTBUILT" >"$results"
    return 0
  fi
  (cd "$ROOT" && OPENBLAS_NUM_THREADS=1 "$binary" --gtest_color=no 2>&1) >"$WORK/$1.output" || true
  awk -v root="$ROOT/" -v exercises="$EXERCISES_DIR/" '
    /^\[ RUN      \] / { test = $4; next }
    /^\[       OK \] / { print "RESULT\t" $4 "\tPASS"; test = ""; next }
    /^\[  FAILED  \] / && test != "" { print "RESULT\t" $4 "\tFAIL"; test = ""; next }
    /^\[  SKIPPED \] / && test != "" { print "RESULT\t" $4 "\tFAIL"; test = ""; next }
    test != "" { gsub(exercises, "exercises/"); gsub(root, ""); print "MESSAGE\t" test "\t" $0 }
    END { if (test != "") print "RESULT\t" test "\tCRASH" }
  ' "$WORK/$1.output" >"$results"
}

# Counts from a results file: "passed total" over the student's checks (not Given...), then whether
# every check (Given included) passed, and the test that crashed if one did.
count_results() {
  awk -F '\t' '
    $1 == "RESULT" {
      split($2, parts, "."); given = (parts[2] ~ /^Given/)
      if (!given) { total++; if ($3 == "PASS") passed++ }
      if ($3 != "PASS") all = 0
      if ($3 == "CRASH") crashed = $2
    }
    BEGIN { all = 1; passed = 0; total = 0; crashed = "-" }
    END { print passed, total, (total > 0 ? all : 0), crashed }
  ' "$WORK/$1.results"
}

state_of() {  # state_of NAME -> one line for the status list
  local passed total all crashed
  if [[ "$(head -1 "$WORK/$1.results")" == NOTBUILT ]]; then echo "not built"; return; fi
  read -r passed total all crashed < <(count_results "$1")
  if ((total == 0)); then
    echo "no checks ran (scripts/exercise.sh ${1:0:2} shows why)"
  elif [[ "$crashed" != "-" ]]; then
    echo "$passed of $total checks pass, then $crashed crashed"
  elif ((all == 1)); then
    echo "done"
  elif ((passed == 0)); then
    echo "not started"
  else
    echo "$passed of $total checks pass"
  fi
}

# Prints each check of one exercise as PASS or FAIL; a failure with its task, the first failed
# expectation (gtest shows expected and actual values) and the README's hint.
show_checks() {  # show_checks NAME VARIANT
  local name="$1" test result passed total all crashed
  local where="exercises/$name"
  [[ "$2" == _solution ]] && where="exercises/solutions/$name"
  echo "exercise $name ($where: $(exercise_setting "$name" EXERCISE_STUDENT_FILES))"
  echo
  while IFS=$'\t' read -r _ test result; do
    if [[ "$result" == PASS ]]; then
      printf '  PASS  %s\n' "$test"
      continue
    fi
    printf '  %s  %s\n' "$([[ "$result" == CRASH ]] && echo CRASH || echo FAIL)" "$test"
    local task hint
    task="$(readme_field "$name" TASK "$test")"
    [[ -n "$task" ]] && printf '        task: %s\n' "$task" | fold -s -w 88 | sed '2,$s/^/              /'
    awk -F '\t' -v test="$test" '
      $1 == "MESSAGE" && $2 == test {
        line = substr($0, length($1) + length($2) + 3)
        if (line ~ /: Failure$/) failures++
        if (line == "unknown file: Failure") next  # what gtest says before an exception: shown below
        # An exception escaped the check (an unwritten function throws course::NotImplemented).
        if (sub(/^C\+\+ exception with description "/, "threw: ", line)) sub(/" thrown in the test body\.$/, "", line)
        if (failures <= 1 && shown < 14) { print "        " line; shown++ }
      }
      END { if (failures > 1) printf "        (%d more failed expectations in this check)\n", failures - 1 }
    ' "$WORK/$name.results"
    [[ "$result" == CRASH ]] && echo "        the check stopped here: the program crashed (a bad index? a null pointer?)"
    hint="$(readme_field "$name" HINT "$test")"
    [[ -n "$hint" ]] && printf '        Hint: %s\n' "$hint" | fold -s -w 88 | sed '2,$s/^/              /'
    echo
  done < <(grep '^RESULT' "$WORK/$name.results")
  read -r passed total all crashed < <(count_results "$name")
  ((all == 1)) && echo
  if ((all == 1)); then
    echo "$name: done, all $total checks pass."
  else
    echo "$name: $passed of $total checks pass."
  fi
}

# Runs an exercise's program (when it has one) once its checks pass; it writes to out/exercises/.
run_program() {  # run_program NAME VARIANT
  local program out
  [[ -n "$(exercise_setting "$1" EXERCISE_PROGRAM)" ]] || return 0
  program="$BIN_DIR/$1/exercise_${1:0:2}$2_program"
  out="$ROOT/out/exercises/$1"
  [[ "$2" == _solution ]] && out="$ROOT/out/exercises/solutions/$1"
  # OpenBLAS's kernels as scripts/run.sh picks them (probed with the checks' program, which answers
  # --help at once): a training run takes half the time.
  source "$ROOT/scripts/blas_env.sh"
  xgrad_choose_openblas_core "$BIN_DIR/$1/exercise_${1:0:2}$2"
  echo
  echo "Running the exercise's program (it writes to ${out#"$ROOT"/}/):"
  mkdir -p "$out"
  (cd "$ROOT" && OPENBLAS_NUM_THREADS=1 "$program" "$out")
}

# ---- the modes ------------------------------------------------------------------------------------

status_all() {  # prints "NAME<TAB>state" for every exercise, building each as needed
  local name
  while read -r name; do
    if build_exercise "$name" "$variant" quiet; then
      run_checks "$name" "$variant"
      printf '%s\t%s\n' "$name" "$(state_of "$name")"
    elif [[ "$variant" == _solution && ! -d "$EXERCISES_DIR/solutions/$name" ]]; then
      printf '%s\t%s\n' "$name" "no reference solution here"
    else
      printf '%s\t%s\n' "$name" "does not compile (scripts/exercise.sh ${name:0:2} shows the errors)"
    fi
  done < <(all_exercises)
}

print_status() {
  configure
  echo "The exercises$([[ -n "$variant" ]] && echo " (reference solutions)"):"
  echo
  status_all | awk -F '\t' '{ printf "  %-26s %s\n", $1, $2 }'
  echo
  echo "Work on one: scripts/exercise.sh N (e.g. scripts/exercise.sh 1); the tasks are in exercises/NN-name/README.md."
}

one_exercise() {
  local name
  name="$(resolve "$target")"
  configure
  build_exercise "$name" "$variant" || exit 1
  run_checks "$name" "$variant"
  if [[ "$(head -1 "$WORK/$name.results")" == NOTBUILT ]]; then
    echo "exercise $name is not built (run without --no-build)" >&2
    exit 1
  fi
  show_checks "$name" "$variant"
  [[ "$(state_of "$name")" == done ]] || exit 1
  run_program "$name" "$variant"
}

reset_exercise() {
  local name file path stamp
  name="$(resolve "$target")"
  git -C "$EXERCISES_DIR" rev-parse --git-dir >/dev/null 2>&1 ||
    { echo "exercise.sh: $EXERCISES_DIR is not in a git repository: nothing to restore from" >&2; exit 1; }
  stamp="$(date +%Y%m%d-%H%M%S)"
  for file in $(exercise_setting "$name" EXERCISE_STUDENT_FILES); do
    path="$EXERCISES_DIR/$name/$file"
    if git -C "$EXERCISES_DIR/$name" diff --quiet HEAD -- "$file" 2>/dev/null && [[ -f "$path" ]]; then
      echo "${path#"$ROOT"/}: already as shipped"
      continue
    fi
    [[ -f "$path" ]] && cp "$path" "$path.backup-$stamp"
    git -C "$EXERCISES_DIR/$name" show "HEAD:./$file" >"$path"
    echo "${path#"$ROOT"/}: restored as shipped; your version is in ${path#"$ROOT"/}.backup-$stamp"
  done
}

write_report() {
  local md="${report_file:-$ROOT/exercise-report.md}" csv user when commit name state passed total all crashed
  [[ "$md" == *.md ]] || md="$md.md"
  csv="${md%.md}.csv"
  user="$(git -C "$ROOT" config user.name 2>/dev/null || true)"
  user="${user:-${USER:-$(id -un)}}"
  when="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  configure
  status_all >"$WORK/status.tsv"
  {
    echo "# Exercise report"
    echo
    echo "- student: $user ($(id -un)@$(hostname))"
    echo "- date: $when"
    echo "- repository at: $commit$([[ -n "$(git -C "$ROOT" status --porcelain -- exercises 2>/dev/null)" ]] && echo ", with changes in exercises/")"
    echo
    echo "| exercise | state | checks passing |"
    echo "| --- | --- | --- |"
    while IFS=$'\t' read -r name state; do
      local passing="-"
      if [[ -f "$WORK/$name.results" && "$(head -1 "$WORK/$name.results")" != NOTBUILT ]]; then
        passing="$(awk -F '\t' '$1 == "RESULT" && $3 == "PASS" { split($2, p, "."); if (p[2] !~ /^Given/) printf "%s%s", sep, $2; sep = ", " }' "$WORK/$name.results")"
        passing="${passing:--}"
      fi
      echo "| $name | $state | $passing |"
    done <"$WORK/status.tsv"
  } >"$md"
  {
    echo "user,date,exercise,state,passed,total"
    while IFS=$'\t' read -r name state; do
      passed=0 total=0
      if [[ -f "$WORK/$name.results" && "$(head -1 "$WORK/$name.results")" != NOTBUILT ]]; then
        read -r passed total all crashed < <(count_results "$name")
      fi
      echo "\"$user\",$when,$name,\"$state\",$passed,$total"
    done <"$WORK/status.tsv"
  } >"$csv"
  awk -F '\t' '{ printf "  %-26s %s\n", $1, $2 }' "$WORK/status.tsv"
  echo
  echo "Wrote ${md#"$ROOT"/} and ${csv#"$ROOT"/} (hand them to your teacher)."
}

# CI: a check that passes on the untouched skeleton checks nothing, unless it is about given code and
# says so (its name starts with Given); every check passes on the solution; every check has a task
# with a hint in the README, and every task names a check.
check_skeletons() {
  local name test result problems=0 count=0
  configure
  while read -r name; do
    build_exercise "$name" "" || { problems=$((problems + 1)); continue; }
    build_exercise "$name" _solution || { problems=$((problems + 1)); continue; }
    run_checks "$name" ""
    cp "$WORK/$name.results" "$WORK/$name.skeleton"
    while IFS=$'\t' read -r _ test result; do
      count=$((count + 1))
      if is_given "$test"; then
        [[ "$result" == PASS ]] || { echo "$name: $test checks given code but fails on the skeleton"; problems=$((problems + 1)); }
      else
        [[ "$result" == FAIL ]] || { echo "$name: $test does not fail on the untouched skeleton ($result)"; problems=$((problems + 1)); }
        if [[ -z "$(readme_field "$name" TASK "$test")" || -z "$(readme_field "$name" HINT "$test")" ]]; then
          echo "$name: $test has no task with a Hint: line in README.md"
          problems=$((problems + 1))
        fi
      fi
    done < <(grep '^RESULT' "$WORK/$name.skeleton")
    [[ -s "$WORK/$name.skeleton" ]] || { echo "$name: the skeleton ran no checks"; problems=$((problems + 1)); }
    while IFS=$'\t' read -r _ test _; do
      grep -q "^RESULT	$test	" "$WORK/$name.skeleton" ||
        { echo "$name: README.md's task $test names no check in test.cpp"; problems=$((problems + 1)); }
    done < <(readme_tasks "$name" | grep '^TASK')
    run_checks "$name" _solution
    while IFS=$'\t' read -r _ test result; do
      [[ "$result" == PASS ]] || { echo "$name: $test fails on the reference solution"; problems=$((problems + 1)); }
    done < <(grep '^RESULT' "$WORK/$name.results")
  done < <(all_exercises)
  if ((problems > 0)); then
    echo "exercise skeletons: $problems problems"
    return 1
  fi
  echo "exercise skeletons: all $count checks fail on the skeletons (or check given code) and pass on the solutions"
}

case "$mode" in
  status) print_status ;;
  one) one_exercise ;;
  reset) reset_exercise ;;
  report) write_report ;;
  check) check_skeletons ;;
esac
