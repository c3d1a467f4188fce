# Sourced by run.sh, test.sh and bench.sh after the build: picks OpenBLAS's kernels when OpenBLAS
# picks badly. OpenBLAS before 0.3.25 (Debian 12 has 0.3.21) falls back to its generic "Prescott"
# kernels on Intel CPUs it does not know, even when they have AVX2 or AVX-512 (OpenBLAS issue 4267):
# matrix products then run about 3x slower. OpenBLAS reads OPENBLAS_CORETYPE once, when a program
# loads it, so it is chosen here, before the program starts. A value the user set is left alone.
#
#   xgrad_choose_openblas_core PROGRAM   # any built program that links OpenBLAS, run as PROGRAM --help
xgrad_choose_openblas_core() {
  local probe="$1"
  if [[ -n "${OPENBLAS_CORETYPE:-}" || ! -x "$probe" || ! -r /proc/cpuinfo ]]; then return 0; fi
  # OPENBLAS_VERBOSE=2 makes OpenBLAS print the kernels it chose ("Core: Haswell") when it loads.
  local core
  # (|| true: a failed probe must not stop the calling script, which runs under set -e -o pipefail.)
  core="$(OPENBLAS_VERBOSE=2 "$probe" --help 2>&1 </dev/null | sed -n 's/^Core: //p' | head -n 1 || true)"
  if [[ "$core" != "Prescott" ]]; then return 0; fi
  local flags choice=""
  flags=" $(grep -m 1 '^flags' /proc/cpuinfo | cut -d: -f2 || true) "
  has() { for feature in "$@"; do [[ "$flags" == *" $feature "* ]] || return 1; done; }
  if has avx512f avx512cd avx512bw avx512dq avx512vl; then
    choice=SkylakeX
  elif has avx2 fma; then
    choice=Haswell
  fi
  if [[ -z "$choice" ]]; then return 0; fi
  export OPENBLAS_CORETYPE="$choice"
  echo "xgrad: OpenBLAS chose its generic Prescott kernels on this CPU (an OpenBLAS bug before 0.3.25);" \
    "using OPENBLAS_CORETYPE=$choice, which the CPU supports" >&2
}
