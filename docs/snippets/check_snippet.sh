#!/usr/bin/env bash
# check_snippet.sh PROGRAM SOURCE PAGE: runs a tour snippet and checks that its page shows the snippet's
# code (the lines of SOURCE between "// tour: begin" and "// tour: end", less their two-space indent)
# and the program's output, each verbatim. Run by ctest (docs/snippets/CMakeLists.txt).
set -euo pipefail
program="$1" source="$2" page="$3"

output="$("$program")" || { echo "$program failed (exit code $?)"; exit 1; }
code="$(awk '/\/\/ tour: end/ { inside = 0 } inside { sub(/^  /, ""); print } /\/\/ tour: begin/ { inside = 1 }' "$source")"
[[ -n "$code" ]] || { echo "$source has no lines between '// tour: begin' and '// tour: end'"; exit 1; }
[[ -f "$page" ]] || { echo "no page $page for $source"; exit 1; }
text="$(cat "$page")"

status=0
if [[ "$text" != *"$code"* ]]; then
  echo "$page does not show the code of $source as it is; the page's block should read:"
  printf '%s\n' "$code"
  status=1
fi
if [[ "$text" != *"$output"* ]]; then
  echo "$page does not show what $program prints; the page's output block should read:"
  printf '%s\n' "$output"
  status=1
fi
((status == 0)) && printf '%s\n' "$output"
exit "$status"
