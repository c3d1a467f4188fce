#!/usr/bin/env bash
# Writes the diabetes table that scikit-learn ships (Debian's python3-sklearn) as one CSV with a header,
# for the MLP example's regression demo (README, "Regression"): 442 patients, ten measurements (age,
# sex, body mass index, mean blood pressure, six blood serum values s1..s6) and a measure of the
# disease's progression one year later, the column to predict.
#   ./scripts/fetch_regression_demo.sh [OUT.csv]     (default out/diabetes.csv)
# Nothing is downloaded: it reads the two gzipped files the package installs. Installs the package
# when run as root; otherwise prints the apt-get line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/out/diabetes.csv}"
"$ROOT/scripts/install_packages.sh" python3-sklearn
DATA=/usr/lib/python3/dist-packages/sklearn/datasets/data
for file in diabetes_data_raw.csv.gz diabetes_target.csv.gz; do
  [[ -f "$DATA/$file" ]] || { echo "fetch_regression_demo: $DATA/$file is missing (python3-sklearn)" >&2; exit 1; }
done
mkdir -p "$(dirname "$OUT")"
# The measurements are separated by single spaces, one patient per line, the targets one per line.
{
  echo "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,progression"
  paste -d, <(zcat "$DATA/diabetes_data_raw.csv.gz" | tr ' ' ',') <(zcat "$DATA/diabetes_target.csv.gz")
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "wrote $OUT ($(($(wc -l <"$OUT") - 1)) rows)"
