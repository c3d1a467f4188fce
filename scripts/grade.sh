#!/usr/bin/env bash
# Grades a class (docs/teacher.md, "Grading a class"):
#   scripts/grade.sh SUBMISSIONS --out GRADEBOOK [--hidden DIR] [--settings FILE] [--student NAME]
#                    [--exercises-dir DIR] [--jobs N] [--no-sandbox]
# (also as scripts/exercise.sh --grade ...). SUBMISSIONS holds one folder per student, each a student
# repository as scripts/exercise.sh --handout makes it (or just its exercises/ folder). Writes into
# GRADEBOOK: class.csv (one row per student), index.html (the gradebook on one page), and per student
# students/NAME/{junit.xml,results.json,results.tsv} (JUnit for CI systems, Gradescope's format).
#   --hidden DIR       the teacher's hidden checks, DIR/NN-name/*.cpp (GoogleTest), never shown to students
#   --settings FILE    points per check and limits (default: exercises/grading.txt, which says the format)
#   --student NAME     (re)grade this one student only: their row is replaced, the others kept
#   --exercises-dir    the teacher's exercises (default: the repository's exercises/)
#   --only 01,07       grade these exercises only (their two-digit numbers)
#   --no-sandbox       run the checks with the time and memory limits only (no bubblewrap)
# What is taken from a submission: only the files each exercise's exercise.cmake names as the
# student's (EXERCISE_STUDENT_FILES); the checks, common/ and cmake/ are always the teacher's. Each
# check program runs in a bubblewrap sandbox (no network, the file system read-only but for a private
# results folder and /tmp, the hidden checks and the gradebook not there) under a time and a memory
# limit, and the results are read from GoogleTest's own report in that folder.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="$(nproc 2>/dev/null || echo 2)"

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "grade.sh: $*" >&2; exit 2; }

submissions="" out="" hidden="" settings="" only_student="" sandbox=true
ONLY="${ONLY:-}"
exercises="$ROOT/exercises"
while (($# > 0)); do
  case "$1" in
    --out | --hidden | --settings | --student | --exercises-dir | --jobs | --only)
      [[ $# -gt 1 ]] || die "$1 needs a value"
      case "$1" in
        --out) out="$2" ;;
        --hidden) hidden="$2" ;;
        --settings) settings="$2" ;;
        --student) only_student="$2" ;;
        --exercises-dir) exercises="$2" ;;
        --jobs) JOBS="$2" ;;
        --only) ONLY="$2" ;;
      esac
      shift
      ;;
    --no-sandbox) sandbox=false ;;
    --run-student) mode_run_student="$2"; shift ;;  # internal: one student's checks (run in parallel)
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) [[ -z "$submissions" ]] || die "one submissions folder (got $submissions and $1)"; submissions="$1" ;;
  esac
  shift
done

# ---- settings: points and limits ------------------------------------------------------------------

# The VALUE of the last line "KEY PATTERN VALUE" of the settings file whose PATTERN matches SUBJECT.
setting() {  # setting KEY SUBJECT DEFAULT
  local key pattern value result="$3"
  while read -r key pattern value _; do
    [[ "$key" == "$1" ]] || continue
    # shellcheck disable=SC2053  # PATTERN is a glob on purpose
    [[ "$2" == $pattern ]] && result="$value"
  done < <(sed 's/#.*//' "$SETTINGS")
  echo "$result"
}

# ---- the exercises' checks ------------------------------------------------------------------------

all_exercises() {
  local dir
  local name
  for dir in "$EXERCISES"/[0-9][0-9]-*/; do
    name="$(basename "$dir")"
    [[ -f "$dir/exercise.cmake" ]] || continue
    [[ -z "$ONLY" || ",$ONLY," == *",${name:0:2},"* ]] && echo "$name"
  done
  return 0
}

# Every check of an exercise, in file order: "Suite.Test<TAB>visible|hidden", read from the sources
# (so a check that never ran still has its row).
checks_of() {  # checks_of NN-name
  local file
  for file in "$EXERCISES/$1/test.cpp" ${HIDDEN:+"$HIDDEN/$1"/*.cpp}; do
    [[ -f "$file" ]] || continue
    sed -n 's/^[[:space:]]*TEST(\([A-Za-z0-9_]*\),[[:space:]]*\([A-Za-z0-9_]*\)).*/\1.\2/p' "$file" |
      while read -r check; do printf '%s\t%s\n' "$check" "$([[ "$file" == "$EXERCISES"/* ]] && echo visible || echo hidden)"; done
  done
}

# ---- the sandbox ----------------------------------------------------------------------------------

# Runs PROGRAM ARGS... in the sandbox with RESULTS as its private folder (mounted at /results; the
# word RESULTS in ARGS stands for it), under the time and memory limits. It runs in the repository's
# top folder, as scripts/exercise.sh runs the checks. Exit status as `timeout` gives it: 124 timed
# out, 128+N killed by signal N (24, SIGXCPU: out of CPU time).
sandboxed() {  # sandboxed RESULTS SECONDS MEGABYTES PROGRAM ARGS...
  local results="$1" seconds="$2" megabytes="$3"
  shift 3
  # The time limit is CPU time (prlimit --cpu: SIGXCPU, then SIGKILL), so a busy machine does not fail
  # a right answer; the wall clock (timeout) stops a program that sleeps or waits, at 4 times that.
  local limits=(timeout --kill-after=2 $((seconds * 4 + 10)) prlimit --as=$((megabytes * 1024 * 1024))
    --cpu="$seconds:$((seconds + 2))" --)
  local environment=(OPENBLAS_NUM_THREADS=1 XGRAD_GRADING=1 HOME=/tmp TMPDIR=/tmp PATH=/usr/bin:/bin LANG=C.UTF-8)
  if ! $SANDBOX; then
    mkdir -p "$results/tmp"
    (cd "$ROOT" && "${limits[@]}" env -i "${environment[@]/\/tmp/$results/tmp}" "${@//RESULTS/$results}")
    return
  fi
  local program="$1"
  shift
  set -- "${@//RESULTS//results}"
  local mounts=(--ro-bind /usr /usr --ro-bind-try /etc/alternatives /etc/alternatives
    --ro-bind-try /etc/ld.so.cache /etc/ld.so.cache --proc /proc --dev /dev --tmpfs /tmp
    --ro-bind "$ROOT" "$ROOT" --ro-bind "$program" /grading/checks --bind "$results" /results)
  local dir
  for dir in bin lib lib64 sbin; do
    if [[ -L "/$dir" ]]; then mounts+=(--symlink "$(readlink "/$dir")" "/$dir"); else mounts+=(--ro-bind-try "/$dir" "/$dir"); fi
  done
  # What the checks must not see, where it lies inside the repository: an empty folder over it.
  for dir in "$HIDDEN" "$OUT" "$SUBMISSIONS" "$EXERCISES/solutions"; do
    [[ -n "$dir" && -d "$dir" && "$dir" == "$ROOT"/* ]] && mounts+=(--tmpfs "$dir")
  done
  local variable setenv=()
  for variable in "${environment[@]}"; do setenv+=(--setenv "${variable%%=*}" "${variable#*=}"); done
  "${limits[@]}" bwrap --unshare-all --die-with-parent --new-session --clearenv "${setenv[@]}" \
    "${mounts[@]}" --chdir "$ROOT" /grading/checks "$@"
}

# Whether bubblewrap can make a sandbox here (it needs user namespaces, or to be root).
sandbox_works() {
  local probe
  probe="$(mktemp -d)"
  SANDBOX=true sandboxed "$probe" 10 512 /usr/bin/true >/dev/null 2>&1
  local status=$?
  rm -rf "$probe"
  return $status
}

# ---- one student's checks -------------------------------------------------------------------------

# Runs one exercise's check program and appends a row per check to the student's results.tsv:
# exercise, check, PASS|FAIL|SKIP|TIMEOUT|CRASH|NOCOMPILE, points, of points, visible|hidden, why.
# A run that does not finish (a hang, a crash, an exit in the middle) leaves no report: the check it
# was in ("[ RUN ]" last) is marked, and the program runs again without it; after two hangs the rest
# are not run.
grade_exercise() {  # grade_exercise STUDENT_ID NN-name
  local id="$1" name="$2" dir="$OUT/students/$1" program="$GRADING_BUILD/$1/$2/${1}__${2:0:2}"
  local seconds megabytes excluded="" hangs=0 attempt status results line check visibility
  seconds="$(setting seconds "$name" 60)"
  megabytes="$(setting megabytes "$name" 2048)"
  declare -A outcome=() why=()
  if [[ ! -x "$program" ]]; then
    line="$(grep -m1 -E ': error:|undefined reference' "$dir/$name.build.log" 2>/dev/null | sed "s|$GRADING_WORK/students/$id/||" || true)"
    while IFS=$'\t' read -r check visibility; do outcome[$check]=NOCOMPILE why[$check]="does not compile: ${line:-see $name.build.log}"; done < <(checks_of "$name")
  fi
  for attempt in 1 2 3 4 5 6 7 8; do
    [[ -x "$program" ]] || break
    results="$dir/run/$name-$attempt"
    rm -rf "$results" && mkdir -p "$results"
    status=0
    sandboxed "$results" "$seconds" "$megabytes" "$program" --gtest_color=no --gtest_filter="*${excluded:+-$excluded}" \
      --gtest_output=json:RESULTS/report.json >"$results/output.txt" 2>&1 || status=$?
    if [[ -f "$results/report.json" ]] && jq -e .testsuites "$results/report.json" >/dev/null 2>&1; then
      while IFS=$'\t' read -r check line message; do
        outcome[$check]="$line" why[$check]="$message"
      done < <(jq -r '.testsuites[] | .name as $suite | .testsuite[] |
          [$suite + "." + .name,
           (if .result == "SKIPPED" then "SKIP" elif ((.failures // []) | length) > 0 then "FAIL" else "PASS" end),
           ((.failures // []) | map(.failure) | join(" | ") | gsub("[\t\n]"; " ") |
            split($exercises + "/") | join("exercises/") | split($hidden + "/") | join("hidden/") | .[0:400])] | @tsv' \
          --arg exercises "$EXERCISES" --arg hidden "${HIDDEN:-/no-hidden-checks}" "$results/report.json")
      break
    fi
    # No report: the check that was running is the culprit.
    check="$(awk '/^\[ RUN      \] / { running = $4 } /^\[       OK \] |^\[  FAILED  \] |^\[  SKIPPED \] / { running = "" } END { print running }' "$results/output.txt")"
    local reason
    if ((status == 124 || status == 137 || status == 128 + 24)); then
      reason="timed out: no result within ${seconds} s of CPU time (an endless loop?)"
      hangs=$((hangs + 1))
    elif ((status > 128)); then
      reason="crashed: killed by signal $((status - 128)) ($(kill -l $((status - 128)) 2>/dev/null || echo ?))"
      ((status - 128 != 6)) || reason="$reason, an abort: too much memory, or a failed assertion?"
    else
      reason="stopped without a result (exit status $status: exit() called in the middle of a check?)"
    fi
    if [[ -z "$check" ]]; then
      while IFS=$'\t' read -r check visibility; do
        [[ -n "${outcome[$check]:-}" ]] || { outcome[$check]=CRASH why[$check]="the program $reason before a check ran"; }
      done < <(checks_of "$name")
      break
    fi
    outcome[$check]="$([[ "$reason" == timed* ]] && echo TIMEOUT || echo CRASH)" why[$check]="$reason"
    excluded="${excluded:+$excluded:}$check"
    if ((hangs >= 2)); then
      while IFS=$'\t' read -r check visibility; do
        [[ -n "${outcome[$check]:-}" ]] || { outcome[$check]=TIMEOUT why[$check]="not run: two checks of this exercise timed out"; }
      done < <(checks_of "$name")
      break
    fi
  done
  local points max
  while IFS=$'\t' read -r check visibility; do
    max="$(setting points "$name/$check" 1)"
    line="${outcome[$check]:-FAIL}"
    points=0
    [[ "$line" == PASS ]] && points="$max"
    [[ "$line" == SKIP ]] && max=0  # something the grading machine lacks: says what in its reason
    [[ -n "${outcome[$check]:-}" ]] || why[$check]="no result (the check did not run)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$check" "$line" "$points" "$max" "$visibility" "${why[$check]:-}"
  done < <(checks_of "$name") >>"$dir/results.tsv"
}

run_student() {  # run_student ID: every exercise, then the student's JUnit and Gradescope files
  local id="$1" name
  local tsv="$OUT/students/$id/results.tsv"
  touch "$tsv"
  while read -r name; do
    # This exercise's rows replaced (a regrade of some exercises keeps the others' rows).
    awk -F '\t' -v name="$name" '$1 != name' "$tsv" >"$tsv.tmp" && mv "$tsv.tmp" "$tsv"
    grade_exercise "$id" "$name"
  done < <(all_exercises)
  sort -s -t $'\t' -k1,1 "$tsv" >"$tsv.tmp" && mv "$tsv.tmp" "$tsv"
  rm -rf "$OUT/students/$id/run"
  write_junit "$id" >"$OUT/students/$id/junit.xml"
  xmllint --noout "$OUT/students/$id/junit.xml" || echo "grade.sh: students/$id/junit.xml does not parse (a bug: please report it)" >&2
  write_gradescope "$id" >"$OUT/students/$id/results.json"
}

# ---- outputs --------------------------------------------------------------------------------------

student_ids() { find "$OUT/students" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort; }  # cleaned names

xml_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'; }

write_junit() {  # write_junit ID: one <testsuite> per exercise, one <testcase> per check
  local id="$1" student
  student="$(xml_escape <"$OUT/students/$id/name")"
  echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo "<testsuites name=\"$student\">"
  awk -F '\t' '
    function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s); return s }
    { n[$1]++; rows[$1, n[$1]] = $0; if ($3 != "PASS" && $3 != "SKIP") f[$1]++; if ($3 == "SKIP") s[$1]++
      if (!($1 in seen)) { seen[$1] = 1; order[++count] = $1 } }
    END {
      for (i = 1; i <= count; i++) {
        e = order[i]
        printf "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\">\n", e, n[e], f[e] + 0, s[e] + 0
        for (j = 1; j <= n[e]; j++) {
          split(rows[e, j], c, "\t")
          printf "    <testcase classname=\"%s\" name=\"%s\">", e, c[2]
          printf "<properties><property name=\"points\" value=\"%s\"/><property name=\"max_points\" value=\"%s\"/><property name=\"visibility\" value=\"%s\"/></properties>", c[4], c[5], c[6]
          if (c[3] == "SKIP") printf "<skipped message=\"%s\"/>", esc(c[7])
          else if (c[3] != "PASS") printf "<failure type=\"%s\" message=\"%s\"/>", c[3], esc(c[7])
          print "</testcase>"
        }
        print "  </testsuite>"
      }
    }' "$OUT/students/$id/results.tsv"
  echo "</testsuites>"
}

# Gradescope's results.json: the score and one test per check; hidden checks shown after publishing.
write_gradescope() {  # write_gradescope ID
  jq -R -s '[split("\n")[] | select(length > 0) | split("\t") |
      {name: (.[0] + " " + .[1]), score: (.[3] | tonumber), max_score: (.[4] | tonumber),
       status: (if .[2] == "PASS" then "passed" else "failed" end),
       output: (.[2] + (if .[6] != "" then ": " + .[6] else "" end)),
       visibility: (if .[5] == "hidden" then "after_published" else "visible" end)}] |
    {score: (map(.score) | add // 0), tests: .}' "$OUT/students/$1/results.tsv"
}

# class.csv: one row per student (named by the submission's folder), the total, then the points of
# each exercise; index.html: the same on one page, each cell's failures in its tooltip.
write_class() {
  local names=() id
  mapfile -t names < <(cut -f1 "$OUT"/students/*/results.tsv | sort -u)
  {
    printf 'student,points,max_points'
    printf ',%s' "${names[@]}"
    printf '\n'
    for id in $(student_ids); do
      [[ -f "$OUT/students/$id/results.tsv" ]] || continue
      awk -F '\t' -v student="$(cat "$OUT/students/$id/name")" -v exercises="${names[*]}" '
        { got[$1] += $4; max[$1] += $5; total += $4; all += $5 }
        END {
          gsub(/"/, "\"\"", student)
          printf "\"%s\",%d,%d", student, total, all
          n = split(exercises, e, " ")
          for (i = 1; i <= n; i++) printf ",%d", got[e[i]]
          printf "\n"
        }' "$OUT/students/$id/results.tsv"
    done
  } >"$OUT/class.csv.tmp"
  mv "$OUT/class.csv.tmp" "$OUT/class.csv"
  write_html "${names[@]}" >"$OUT/index.html.tmp"
  mv "$OUT/index.html.tmp" "$OUT/index.html"
}

write_html() {  # write_html EXERCISE...
  local id exercise
  cat <<EOF
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Gradebook</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 2em; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th { background: #f3f3f3; } td.name { text-align: left; font-weight: bold; }
.full { background: #d9f2d9; } .part { background: #fff3c4; } .none { background: #f8d4d4; }
</style></head><body>
<h1>Gradebook</h1>
<p>Graded $(date -u '+%Y-%m-%d %H:%M UTC') by scripts/grade.sh. Each cell: points of points; hover for
what failed. Per student: <code>students/NAME/junit.xml</code>, <code>results.json</code> (Gradescope).
$(cat "$OUT/sandbox-note" 2>/dev/null)</p>
<table><tr><th>student</th><th>total</th>
EOF
  for exercise in "$@"; do printf '<th>%s</th>' "$exercise"; done
  echo '</tr>'
  for id in $(student_ids); do
    [[ -f "$OUT/students/$id/results.tsv" ]] || continue
    awk -F '\t' -v student="$(xml_escape <"$OUT/students/$id/name")" -v exercises="$*" '
      function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s); gsub(/\n/, "\\&#10;", s); return s }
      function cls(g, m) { return m == 0 ? "" : g == m ? "full" : g == 0 ? "none" : "part" }
      { got[$1] += $4; max[$1] += $5; total += $4; all += $5
        if ($3 != "PASS" && $3 != "SKIP") tip[$1] = tip[$1] $3 " " $2 ": " substr($7, 1, 160) "\n" }
      END {
        printf "<tr><td class=\"name\">%s</td><td class=\"%s\">%d / %d</td>", student, cls(total, all), total, all
        n = split(exercises, e, " ")
        for (i = 1; i <= n; i++) printf "<td class=\"%s\" title=\"%s\">%d / %d</td>", cls(got[e[i]], max[e[i]]), esc(tip[e[i]]), got[e[i]], max[e[i]]
        print "</tr>"
      }' "$OUT/students/$id/results.tsv"
  done
  echo '</table></body></html>'
}

# ---- the internal mode: one student's checks, run by xargs in parallel ----------------------------

if [[ -n "${mode_run_student:-}" ]]; then
  run_student "$mode_run_student"
  exit 0
fi

# ---- grading: the set-up, the builds, the runs ----------------------------------------------------

[[ -n "$submissions" && -n "$out" ]] || { usage >&2; die "needs SUBMISSIONS and --out GRADEBOOK"; }
[[ -d "$submissions" ]] || die "no submissions folder at $submissions"
[[ -d "$exercises" ]] || die "no exercises folder at $exercises"
[[ -z "$hidden" || -d "$hidden" ]] || die "--hidden: no folder at $hidden"
settings="${settings:-$exercises/grading.txt}"
[[ -f "$settings" ]] || die "--settings: no file at $settings (exercises/grading.txt says the format)"
mkdir -p "$out/students"
SUBMISSIONS="$(cd "$submissions" && pwd)"
OUT="$(cd "$out" && pwd)"
EXERCISES="$(cd "$exercises" && pwd)"
HIDDEN=""
[[ -z "$hidden" ]] || HIDDEN="$(cd "$hidden" && pwd)"
SETTINGS="$(cd "$(dirname "$settings")" && pwd)/$(basename "$settings")"
GRADING_WORK="$OUT/.work"  # the grading build and the students' staged files (kept: regrades reuse it)
GRADING_BUILD="$GRADING_WORK/build"
SANDBOX=$sandbox

# bubblewrap, jq (the report reader) and xmllint (each JUnit file is checked to parse), installed like
# every package the project needs.
"$ROOT/scripts/install_packages.sh" bubblewrap jq libxml2-utils

rm -f "$OUT/sandbox-note"
if $SANDBOX && ! sandbox_works; then
  SANDBOX=false
  echo "bubblewrap cannot make a sandbox here (no user namespaces?): the checks run with the time and memory limits only." |
    tee "$OUT/sandbox-note"
elif ! $SANDBOX; then
  echo "The checks ran without the sandbox (--no-sandbox): with the time and memory limits only." | tee "$OUT/sandbox-note"
fi
export ROOT SUBMISSIONS OUT EXERCISES HIDDEN SETTINGS GRADING_WORK GRADING_BUILD SANDBOX ONLY

# A folder name as a CMake target's and a file's name: letters, digits, _ . - only.
student_id() { printf '%s' "$1" | tr -c 'A-Za-z0-9_.-' '_'; }

# Copies only the files the student edits out of their submission (a symlink is not followed: it
# counts as missing, and the shipped skeleton takes its place).
stage_student() {  # stage_student FOLDER_NAME
  local from="$SUBMISSIONS/$1" id name file
  [[ -d "$from/exercises" ]] && from="$from/exercises"
  id="$(student_id "$1")"
  rm -rf "$GRADING_WORK/students/$id"
  mkdir -p "$OUT/students/$id"
  printf '%s' "$1" >"$OUT/students/$id/name"
  : >"$OUT/students/$id/missing"
  while read -r name; do
    mkdir -p "$GRADING_WORK/students/$id/$name"
    for file in $(sed -n 's/^set(EXERCISE_STUDENT_FILES[[:space:]]\{1,\}\([^)]*\)).*/\1/p' "$EXERCISES/$name/exercise.cmake"); do
      if [[ -f "$from/$name/$file" && ! -L "$from/$name/$file" ]]; then
        cp "$from/$name/$file" "$GRADING_WORK/students/$id/$name/$file"
      else
        cp "$EXERCISES/$name/$file" "$GRADING_WORK/students/$id/$name/$file"
        echo "$name/$file" >>"$OUT/students/$id/missing"
      fi
    done
  done < <(ONLY="" all_exercises)  # every exercise: one graded may use another's code
  echo "$id"
}

students=()
if [[ -n "$only_student" ]]; then
  [[ -d "$SUBMISSIONS/$only_student" ]] || die "--student: no folder $only_student in $SUBMISSIONS"
  students=("$only_student")
else
  for dir in "$SUBMISSIONS"/*/; do students+=("$(basename "$dir")"); done
  rm -rf "$OUT/students" "$GRADING_WORK/students"
  mkdir -p "$OUT/students"
fi
((${#students[@]} > 0)) || die "no student folders in $SUBMISSIONS"
ids=()
for student in "${students[@]}"; do ids+=("$(stage_student "$student")"); done
[[ "$(printf '%s\n' "${ids[@]}" | sort | uniq -d)" == "" ]] || die "two folders give the same name after cleaning: $(printf '%s\n' "${ids[@]}" | sort | uniq -d)"

started=$SECONDS
echo "Grading ${#ids[@]} student(s) over $(all_exercises | wc -l) exercises, $JOBS at a time."
# 1. xgrad from the teacher's build/, and the grading project (the teacher's checks compiled once).
"$ROOT/scripts/exercise.sh" --install-xgrad "$GRADING_WORK/xgrad-prefix"
cmake -S "$EXERCISES/cmake/grading" -B "$GRADING_BUILD" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$GRADING_WORK/xgrad-prefix" -DXGRAD_SOURCE_DIR="$ROOT" -DGRADE_EXERCISES_DIR="$EXERCISES" \
  -DGRADE_STUDENTS_DIR="$GRADING_WORK/students" -DGRADE_HIDDEN_DIR="${HIDDEN:-$GRADING_WORK/no-hidden-checks}" \
  -DGRADE_ONLY_STUDENTS="$(IFS=';'; echo "${ids[*]}")" -DGRADE_ONLY_EXERCISES="${ONLY//,/;}" \
  >"$GRADING_WORK/configure.log" 2>&1 || { cat "$GRADING_WORK/configure.log" >&2; exit 1; }
cmake --build "$GRADING_BUILD" --parallel "$JOBS" --target grade_checks_objects >"$GRADING_WORK/checks.log" 2>&1 ||
  { cat "$GRADING_WORK/checks.log" >&2; die "the teacher's checks do not compile (above)"; }
echo "  the teacher's checks built ($((SECONDS - started)) s)"

# 2. The students' code, compiled where it cannot see the hidden checks or the network; a student
#    whose code does not compile fails those exercises only (make -k goes on).
compile_sandbox=()
if $SANDBOX; then
  compile_sandbox=(bwrap --bind / / --dev /dev --proc /proc --unshare-net --die-with-parent)
  [[ -n "$HIDDEN" ]] && compile_sandbox+=(--tmpfs "$HIDDEN")
fi
"${compile_sandbox[@]}" cmake --build "$GRADING_BUILD" --parallel "$JOBS" --target grade_code -- -k \
  >"$GRADING_WORK/students.log" 2>&1 || true
cmake --build "$GRADING_BUILD" --parallel "$JOBS" --target grade_programs -- -k >>"$GRADING_WORK/students.log" 2>&1 || true
# Each exercise that did not build: its own compiler messages, for the student's row.
for id in "${ids[@]}"; do
  while read -r name; do
    if [[ ! -x "$GRADING_BUILD/$id/$name/${id}__${name:0:2}" ]]; then
      "${compile_sandbox[@]}" cmake --build "$GRADING_BUILD" --target "${id}__${name:0:2}" >"$OUT/students/$id/$name.build.log" 2>&1 || true
    fi
  done < <(all_exercises)
done
echo "  the students' code built ($((SECONDS - started)) s)"

# 3. The checks, one student per job.
printf '%s\n' "${ids[@]}" | xargs -P "$JOBS" -I{} "${BASH_SOURCE[0]}" --run-student {}
write_class
elapsed=$((SECONDS - started))
echo "  checked ($elapsed s in all, $((elapsed / ${#ids[@]})) s a student)"
echo
column -t -s, "$OUT/class.csv" | sed 's/^/  /'
echo
echo "Wrote $OUT/class.csv, $OUT/index.html and students/NAME/{junit.xml,results.json} (load: $(cut -d' ' -f1-3 /proc/loadavg))."
