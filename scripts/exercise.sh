#!/usr/bin/env bash
# The teaching track's one command (exercises/README.md):
#   scripts/exercise.sh              every exercise with its state: not started, k of n checks pass, done
#   scripts/exercise.sh 3            builds exercise 3 only, runs its checks: each PASS or FAIL, a failure
#                                    with its expected and actual numbers and the task's hint
#   scripts/exercise.sh 3 --task 2   only the README's second task of exercise 3
#                                    (-v: every failed expectation and every hint; --hint: the formula)
#   scripts/exercise.sh --solutions [3]   the same with the reference solutions
#   scripts/exercise.sh --watch 3    runs exercise 3's checks again each time one of its files is saved
#   scripts/exercise.sh --handout DIR   a student repository in DIR: no solutions, one commit, a
#                                    GitHub Classroom workflow running the visible checks as feedback
#   scripts/exercise.sh --reset 3    restores exercise 3's files as shipped (yours are kept as backups)
#   scripts/exercise.sh --report [FILE]   writes a summary for the teacher (exercise-report.md and .csv);
#                                    --student NAME names the student (default: git's user.name, or with
#                                    --exercises-dir the copy's folder: alice/exercises -> alice)
#   scripts/exercise.sh --grade SUBMISSIONS --out GRADEBOOK   grades a class (scripts/grade.sh --help)
#   scripts/exercise.sh --check-skeletons   (CI) every check fails on the skeletons unless it is named
#                                    Given..., every check passes on the solutions, READMEs match tests
#   scripts/exercise.sh --check-readmes     (CI, builds nothing) every task has a Hint and a Formula,
#                                    and neither holds code (docs/teacher.md, "Hints in two tiers")
# Options: --exercises-dir DIR (or XGRAD_EXERCISES_DIR) uses another copy of exercises/, built on its
# own against xgrad installed from build/ into a scratch prefix; --no-build runs what is built.
# Installs nothing beyond scripts/setup.sh (called when build/ is not configured yet) and, for --watch,
# inotify-tools; --grade installs bubblewrap and jq.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Grading a class is scripts/grade.sh's job (its options: scripts/grade.sh --help).
if [[ "${1:-}" == --grade ]]; then shift; exec "$ROOT/scripts/grade.sh" "$@"; fi
BUILD_DIR="${XGRAD_BUILD_DIR:-$ROOT/build}"
EXERCISES_DIR="${XGRAD_EXERCISES_DIR:-$ROOT/exercises}"
JOBS="$(nproc 2>/dev/null || echo 2)"

usage() {
  sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

mode=status
variant=""  # "" the student's code, "_solution" the reference
build=true
target=""
report_file=""
student_name=""
verbose=false
show_formula=false
task_number=""
while (($# > 0)); do
  case "$1" in
    --solutions) variant="_solution" ;;
    --reset) mode=reset ;;
    --report)
      mode=report
      if [[ $# -gt 1 && "$2" != -* ]]; then report_file="$2"; shift; fi
      ;;
    --check-skeletons) mode=check ;;
    --check-readmes) mode=check_readmes ;;
    --watch) mode=watch ;;
    --handout)
      [[ $# -gt 1 ]] || { echo "exercise.sh: --handout needs a folder" >&2; exit 2; }
      mode=handout; handout_dir="$2"; shift
      ;;
    --install-xgrad)  # for scripts/grade.sh: xgrad from build/ installed into the folder given
      [[ $# -gt 1 ]] || { echo "exercise.sh: --install-xgrad needs a folder" >&2; exit 2; }
      mode=install; install_prefix="$2"; shift
      ;;
    --no-build) build=false ;;
    -v | --verbose) verbose=true ;;
    --hint) show_formula=true ;;
    --task)
      [[ $# -gt 1 && "$2" =~ ^[0-9]+$ ]] || { echo "exercise.sh: --task needs a task number (1 is the README's first)" >&2; exit 2; }
      task_number="$2"; shift
      ;;
    --exercises-dir)
      [[ $# -gt 1 ]] || { echo "exercise.sh: --exercises-dir needs a folder" >&2; exit 2; }
      EXERCISES_DIR="$2"; shift
      ;;
    --student)
      [[ $# -gt 1 ]] || { echo "exercise.sh: --student needs a name" >&2; exit 2; }
      student_name="$2"; shift
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
if [[ "$mode" == watch && -z "$target" ]]; then echo "exercise.sh: --watch needs an exercise, e.g. --watch 3" >&2; exit 2; fi
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
# lines, then "  Hint: ..." on one line (the nudge shown on failure) and optionally "  Formula: ..."
# (the maths, shown with --hint). Prints "TASK<TAB>Suite.Test<TAB>text", "HINT<TAB>..." and
# "FORMULA<TAB>...".
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
    in_task && /^  Formula: / { f = $0; sub(/^  Formula: /, "", f); print "FORMULA\t" name "\t" f; next }
    in_task && /^  [^ ]/ { line = $0; sub(/^ +/, "", line); text = text " " line; next }
    { if (name != "") print "TASK\t" name "\t" text; name = ""; in_task = 0 }
    END { if (name != "") print "TASK\t" name "\t" text }
  ' "$EXERCISES_DIR/$1/README.md"
}

readme_field() {  # readme_field NAME TASK|HINT Suite.Test
  readme_tasks "$1" | awk -F '\t' -v kind="$2" -v test="$3" '$1 == kind && $2 == test && !found { print $3; found = 1 }'
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
  install_xgrad "$EXERCISE_BUILD_DIR/xgrad-prefix"
  if [[ ! -f "$EXERCISE_BUILD_DIR/CMakeCache.txt" ]]; then
    cmake -S "$EXERCISES_DIR" -B "$EXERCISE_BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$EXERCISE_BUILD_DIR/xgrad-prefix" -DXGRAD_SOURCE_DIR="$ROOT" >"$WORK/configure.log" 2>&1 ||
      { cat "$WORK/configure.log" >&2; exit 1; }
  fi
}

# Every library target cmake --install installs: the libxgrad_*.a files its install script copies,
# read from that script, so that a new package (interop came after the list here was written, and
# the install then failed on its missing library) needs no change here. xgrad_distributed is there
# only where MPI was found.
library_targets() {
  grep -ohE 'libxgrad_[a-z_]+\.a' "$BUILD_DIR/cmake_install.cmake" | sort -u | sed 's/^lib\(.*\)\.a$/\1/'
}

# cmake --build BUILD TARGETS..., its log in $WORK/build.log; on the first build of xgrad's library
# (minutes) each file is named as it compiles, so a long silence does not look like a hang.
build_with_progress() {  # build_with_progress BUILD TARGET...
  local build="$1"
  shift
  if [[ -f "$BUILD_DIR/libxgrad_core.a" ]]; then
    cmake --build "$build" --parallel "$JOBS" --target "$@" >"$WORK/build.log" 2>&1 && return 0
  else
    echo "Building xgrad's library the first time (about 3 minutes on 2 cores; later runs take seconds) ..."
    set +o pipefail
    cmake --build "$build" --parallel "$JOBS" --target "$@" 2>&1 | tee "$WORK/build.log" |
      sed -n -u 's|^\[ *\([0-9]*%\)\] Building CXX object .*/\([^/]*\)\.o$|  [\1] \2|p'
    local status="${PIPESTATUS[0]}"
    set -o pipefail
    ((status == 0)) && return 0
  fi
  [[ "${QUIET_BUILD:-}" == 1 ]] || cat "$WORK/build.log" >&2
  return 1
}

# xgrad's libraries built in build/ (configured first if need be) and installed into PREFIX, for a
# build of exercises outside the repository's tree (--exercises-dir, and scripts/grade.sh).
install_xgrad() {  # install_xgrad PREFIX
  if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then "$ROOT/scripts/setup.sh" --configure-only; fi
  # shellcheck disable=SC2046  # one word per target
  build_with_progress "$BUILD_DIR" $(library_targets) || exit 1
  # Into an empty prefix: cmake --install adds files and never removes one, so a header that moved
  # would stay behind in its old place and be found twice. (Installed files keep their sources' times:
  # nothing that includes them rebuilds for this.)
  rm -rf "$1"
  cmake --install "$BUILD_DIR" --prefix "$1" >/dev/null
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
  if ! QUIET_BUILD=1 build_with_progress "$EXERCISE_BUILD_DIR" "${targets[@]}"; then
    cp "$WORK/build.log" "$WORK/build-$1.log"
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
run_checks() {  # run_checks NAME VARIANT [GTEST_FILTER]
  local binary="$BIN_DIR/$1/exercise_${1:0:2}$2" results="$WORK/$1.results"
  if [[ ! -x "$binary" ]]; then
    echo "NOTBUILT" >"$results"
    return 0
  fi
  (cd "$ROOT" && OPENBLAS_NUM_THREADS=1 "$binary" --gtest_color=no --gtest_filter="${3:-*}" 2>&1) >"$WORK/$1.output" || true
  awk -v root="$ROOT/" -v exercises="$EXERCISES_DIR/" '
    /^\[ RUN      \] / { test = $4; next }
    /^\[       OK \] / { print "RESULT\t" $4 "\tPASS"; test = ""; next }
    /^\[  FAILED  \] / && test != "" { print "RESULT\t" $4 "\tFAIL"; test = ""; next }
    /^\[  SKIPPED \] / && test != "" { print "RESULT\t" $4 "\tSKIP"; test = ""; next }
    test != "" && $0 != "" { gsub(exercises, "exercises/"); gsub(root, ""); print "MESSAGE\t" test "\t" $0 }
    END { if (test != "") print "RESULT\t" test "\tCRASH" }
  ' "$WORK/$1.output" >"$results"
}

# Counts from a results file: "passed total" over the student's checks (not Given...) that ran, then
# whether every check that ran (Given included) passed, the test that crashed if one did, and how many
# were skipped (a check skips when something it needs is missing, e.g. the data set: not a failure).
count_results() {
  awk -F '\t' '
    $1 == "RESULT" {
      split($2, parts, "."); given = (parts[2] ~ /^Given/)
      if ($3 == "SKIP") { skipped++; next }
      if (!given) { total++; if ($3 == "PASS") passed++ }
      if ($3 != "PASS") all = 0
      if ($3 == "CRASH") crashed = $2
    }
    BEGIN { all = 1; passed = 0; total = 0; crashed = "-"; skipped = 0 }
    END { print passed, total, (total > 0 ? all : 0), crashed, skipped }
  ' "$WORK/$1.results"
}

# Why the first skipped check of an exercise skipped (its GTEST_SKIP message says what is missing
# and how to get it).
skip_reason() {
  awk -F '\t' '
    $1 == "MESSAGE" { last[$2] = substr($0, length($1) + length($2) + 3) }
    $1 == "RESULT" && $3 == "SKIP" && !shown { print last[$2]; shown = 1 }
  ' "$WORK/$1.results"
}

state_of() {  # state_of NAME -> one line for the status list
  local passed total all crashed skipped
  if [[ "$(head -1 "$WORK/$1.results")" == NOTBUILT ]]; then echo "not built"; return; fi
  read -r passed total all crashed skipped < <(count_results "$1")
  if ((total == 0)); then
    echo "no checks ran (scripts/exercise.sh ${1:0:2} shows why)"
  elif [[ "$crashed" != "-" ]]; then
    echo "$passed of $total checks pass, then $crashed crashed"
  elif ((all == 1 && skipped > 0)); then
    echo "done, but $skipped check(s) skipped: $(skip_reason "$1")"
  elif ((all == 1)); then
    echo "done"
  elif ((passed == 0)); then
    echo "not started"
  else
    echo "$passed of $total checks pass"
  fi
}

# The RESULT lines of an exercise in the README's task order (checks without a task, Given..., last).
results_in_task_order() {  # results_in_task_order NAME
  awk -F '\t' '
    FNR == NR { if ($1 == "TASK") order[$2] = ++n; next }
    $1 == "RESULT" { print ($2 in order ? order[$2] : 1000 + FNR) "\t" $0 }
  ' <(readme_tasks "$1") "$WORK/$1.results" | sort -n -k1,1 | cut -f2-
}

# Prints PREFIX and TEXT wrapped at 100 columns, the lines after the first indented under TEXT.
wrapped() {  # wrapped PREFIX TEXT
  local indent="${1//?/ }"
  printf '%s\n' "$2" | fold -s -w $((100 - ${#1})) | sed -e 's/ *$//' -e "1s/^/$1/" -e "2,\$s/^/$indent/"
}

# Prints each check of one exercise as PASS or FAIL; a failure with its task, the first failed
# expectation (gtest shows expected and actual values) and the README's hint.
show_checks() {  # show_checks NAME VARIANT
  local name="$1" test result passed total all crashed skipped
  local where="exercises/$name"
  [[ "$2" == _solution ]] && where="exercises/solutions/$name"
  echo "exercise $name ($where: $(exercise_setting "$name" EXERCISE_STUDENT_FILES))"
  echo
  local first_failure=""
  while IFS=$'\t' read -r _ test result; do
    if [[ "$result" == PASS ]]; then
      printf '  PASS  %s\n' "$test"
      continue
    fi
    if [[ "$result" == SKIP ]]; then
      printf '  SKIP  %s\n        %s\n' "$test" "$(awk -F '\t' -v t="$test" '$1 == "MESSAGE" && $2 == t { m = substr($0, length($1) + length($2) + 3) } END { print m }' "$WORK/$name.results")"
      continue
    fi
    printf '  %s  %s\n' "$([[ "$result" == CRASH ]] && echo CRASH || echo FAIL)" "$test"
    local task hint formula
    task="$(readme_field "$name" TASK "$test")"
    [[ -n "$task" ]] && wrapped '        task: ' "$task"
    awk -F '\t' -v test="$test" '
      $1 == "MESSAGE" && $2 == test {
        line = substr($0, length($1) + length($2) + 3)
        if (line ~ /: Failure$/) failures++
        if (line == "unknown file: Failure") next  # what gtest says before an exception: shown below
        # An exception escaped the check (an unwritten function throws course::NotImplemented).
        if (sub(/^C\+\+ exception with description "/, "threw: ", line)) sub(/" thrown in the test body\.$/, "", line)
        if ((failures <= 1 || verbose) && (shown < 14 || verbose)) { print "        " line; shown++ }
      }
      END { if (failures > 1 && !verbose) printf "        (%d more failed expectations in this check: -v shows them)\n", failures - 1 }
    ' verbose="$($verbose && echo 1 || echo 0)" "$WORK/$name.results"
    [[ "$result" == CRASH ]] && echo "        the check stopped here: the program crashed (a bad index? a null pointer?)"
    # (An unwritten function, which throws "not written yet", is its own cause: its hint is shown.)
    if [[ -n "$first_failure" ]] && ! $verbose &&
      ! awk -F '\t' -v t="$test" '$1 == "MESSAGE" && $2 == t && /is not written yet/ { found = 1 } END { exit !found }' "$WORK/$name.results"; then
      # A later check often fails because of the first one (a missing bias correction breaks every
      # step after it): its own hint would point elsewhere.
      echo "        (may follow from $first_failure, the first that fails: fix that one first; -v shows this check's hint)"
    else
      hint="$(readme_field "$name" HINT "$test")"
      [[ -n "$hint" ]] && wrapped '        Hint: ' "$hint"
      formula="$(readme_field "$name" FORMULA "$test")"
      if [[ -n "$formula" ]] && $show_formula; then
        wrapped '        Formula: ' "$formula"
      elif [[ -n "$formula" ]]; then
        echo "        (stuck? scripts/exercise.sh ${name:0:2} --hint shows the formula)"
      fi
    fi
    first_failure="${first_failure:-$test}"
    echo
  done < <(results_in_task_order "$name")
  read -r passed total all crashed skipped < <(count_results "$name")
  ((all == 1)) && echo
  if ((all == 1 && skipped > 0)); then
    echo "$name: done: the $total checks that ran pass; $skipped skipped (see SKIP above: it says what is missing)."
  elif ((all == 1)); then
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
  local filter="*"
  if [[ -n "$task_number" ]]; then
    filter="$(readme_tasks "$name" | awk -F '\t' -v n="$task_number" '$1 == "TASK" && ++k == n { print $2 }')"
    [[ -n "$filter" ]] || { echo "exercise.sh: exercise $name has no task $task_number (its README lists them)" >&2; exit 2; }
  fi
  run_checks "$name" "$variant" "$filter"
  if [[ "$(head -1 "$WORK/$name.results")" == NOTBUILT ]]; then
    echo "exercise $name is not built (run without --no-build)" >&2
    exit 1
  fi
  show_checks "$name" "$variant"
  [[ "$(state_of "$name")" == done* ]] || exit 1
  [[ -z "$task_number" ]] || return 0  # one task passes: the program waits for every task
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
  local md="${report_file:-$ROOT/exercise-report.md}" csv user when commit name state passed total all crashed skipped
  [[ "$md" == *.md ]] || md="$md.md"
  csv="${md%.md}.csv"
  local repo="$ROOT" machine
  machine="$(id -un)@$(hostname)"
  if $standalone; then
    # A teacher measuring a student's copy: the student is named by --student, else by the copy's
    # folder (alice/exercises -> alice), never by the teacher's git name; the commit is the copy's.
    repo="$EXERCISES_DIR"
    user="$student_name"
    if [[ -z "$user" ]]; then
      user="$(basename "$EXERCISES_DIR")"
      [[ "$user" == exercises ]] && user="$(basename "$(dirname "$EXERCISES_DIR")")"
    fi
    machine="measured by $(id -un)@$(hostname) from $EXERCISES_DIR"
  else
    user="${student_name:-$(git -C "$ROOT" config user.name 2>/dev/null || true)}"
    user="${user:-${USER:-$(id -un)}}"
  fi
  when="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo "not a git repository")"
  configure
  status_all >"$WORK/status.tsv"
  {
    echo "# Exercise report"
    echo
    echo "- student: $user ($machine)"
    echo "- date: $when"
    echo "- repository at: $commit$([[ -n "$(git -C "$repo" status --porcelain -- . 2>/dev/null)" ]] && echo ", with uncommitted changes")"
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
        read -r passed total all crashed skipped < <(count_results "$name")
      fi
      echo "\"$user\",$when,$name,\"$state\",$passed,$total"
    done <"$WORK/status.tsv"
  } >"$csv"
  awk -F '\t' '{ printf "  %-26s %s\n", $1, $2 }' "$WORK/status.tsv"
  echo
  echo "Wrote ${md#"$ROOT"/} and ${csv#"$ROOT"/} (hand them to your teacher)."
}

# Reruns exercise N whenever one of its files is saved (inotifywait, from Debian's inotify-tools).
watch_exercise() {
  local name
  name="$(resolve "$target")"
  "$ROOT/scripts/install_packages.sh" inotify-tools
  while true; do
    clear 2>/dev/null || true
    (one_exercise) || true
    echo
    echo "Watching exercises/$name/ (and the exercises it uses): save a file to run the checks again; Ctrl-C stops."
    # close_write: an editor saving in place; moved_to/create: one writing a new file and renaming it.
    local folders=("$EXERCISES_DIR/$name") used
    for used in $(exercise_setting "$name" EXERCISE_USES); do folders+=("$EXERCISES_DIR/$(resolve "$used")"); done
    inotifywait -q -q -r -e close_write -e moved_to -e create --exclude '(\.swp|~|\.backup-[0-9-]*)$' "${folders[@]}" || true
  done
}

# A student repository in DIR: this repository's files (as git tracks them, with their current
# contents) without exercises/solutions/, in a new git repository with one commit, so no history holds
# the solutions; with a GitHub Classroom workflow that runs the visible checks as feedback.
write_handout() {  # write_handout DIR
  local dir="$1"
  [[ ! -e "$dir" || -z "$(ls -A "$dir" 2>/dev/null)" ]] || { echo "exercise.sh: --handout: $dir exists and is not empty" >&2; exit 2; }
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  git -C "$ROOT" ls-files -z | grep -z -v -E '^exercises/solutions/|^exercises/grading\.txt$' |
    (cd "$ROOT" && xargs -0 cp --parents -t "$dir" --no-dereference)
  mkdir -p "$dir/.github/workflows"
  cp "$ROOT/exercises/cmake/classroom.yml" "$dir/.github/workflows/exercises.yml"
  git -C "$dir" init -q -b main
  git -C "$dir" add -A
  git -C "$dir" -c user.name="xgrad course" -c user.email="course@example.invalid" commit -q -m "The xgrad course, as handed out"
  echo "Wrote the student repository $dir ($(git -C "$dir" ls-files | wc -l) files, one commit, no solutions)."
  echo "Push it as the GitHub Classroom template; grade the students' repositories with scripts/exercise.sh --grade."
}

# The two tiers of a task's help (docs/teacher.md, "Hints in two tiers"): the Hint, shown when the
# check fails, is a nudge (a symptom and the idea to look at); the Formula, shown with --hint, is the
# maths in notation. Neither is the solution's code. What code has and notation does not (grep -E):
# a scope (::), a cast, ->, x++ or x--, a compound assignment or comparison (+= == !=), &&, a C
# loop or branch "for (", a declaration "float x =", a method call ".name(", a statement's ";" at the end.
CODE_IN_HELP='::|_cast<|->|[A-Za-z_)](\+\+|--)|[-+*/!=]=|&&|\b(for|if|while|switch) *\(|\b(auto|const|float|double|int) [A-Za-z_]+ *=|\.[A-Za-z_]+\(|; *$'
# A Hint holds no formula either: no "=" at all (no equation, no assignment) and no braces.
CODE_OR_FORMULA_IN_HINT="$CODE_IN_HELP|=|[{}]"

# Prints one line per problem with the tiers of exercise NAME's README; returns how many.
check_readme_tiers() {  # check_readme_tiers NAME
  local name="$1" kind test text found problems=0
  readme_tasks "$name" >"$WORK/$name.tasks"
  # Each task: exactly one Hint: and one Formula: line.
  while IFS=$'\t' read -r test hints formulas; do
    echo "$name/README.md: task $test has $hints Hint: and $formulas Formula: lines (one of each, each on one line)"
    problems=$((problems + 1))
  done < <(awk -F '\t' '
    $1 == "TASK" { order[++n] = $2 } $1 == "HINT" { hints[$2]++ } $1 == "FORMULA" { formulas[$2]++ }
    END { for (i = 1; i <= n; i++) { t = order[i]; if (hints[t] != 1 || formulas[t] != 1) print t "\t" hints[t] + 0 "\t" formulas[t] + 0 } }
  ' "$WORK/$name.tasks")
  while IFS=$'\t' read -r kind test text; do
    if [[ "$kind" == HINT ]] && found="$(grep -oE -- "$CODE_OR_FORMULA_IN_HINT" <<<"$text" | head -1)" && [[ -n "$found" ]]; then
      echo "$name/README.md: task $test: its Hint holds code or a formula ('$found'): a Hint is a nudge in words; the maths goes in Formula:"
      problems=$((problems + 1))
    elif [[ "$kind" == FORMULA ]] && found="$(grep -oE -- "$CODE_IN_HELP" <<<"$text" | head -1)" && [[ -n "$found" ]]; then
      echo "$name/README.md: task $test: its Formula holds code ('$found'): the maths in notation, never the solution's code"
      problems=$((problems + 1))
    fi
  done <"$WORK/$name.tasks"
  return $((problems > 100 ? 100 : problems))
}

# CI: check_readme_tiers over every exercise (no build).
check_readmes() {
  local name problems=0 tasks=0
  while read -r name; do
    check_readme_tiers "$name" || problems=$((problems + $?))
    tasks=$((tasks + $(grep -c '^TASK' "$WORK/$name.tasks" || true)))
  done < <(all_exercises)
  if ((problems > 0)); then
    echo "exercise READMEs: $problems problems with the tiers of the hints"
    return 1
  fi
  echo "exercise READMEs: all $tasks tasks have a Hint (a nudge, no code, no formula) and a Formula (no code)"
}

# CI: a check that passes on the untouched skeleton checks nothing, unless it is about given code and
# says so (its name starts with Given); every check passes on the solution; every check has a task
# with a hint in the README, and every task names a check; every task's hints are in two tiers.
check_skeletons() {
  local name test result problems=0 count=0
  check_readmes || problems=$((problems + 1))
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
  check_readmes) check_readmes ;;
  install) install_xgrad "$install_prefix" ;;
  watch) watch_exercise ;;
  handout) write_handout "$handout_dir" ;;
esac
