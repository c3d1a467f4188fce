#!/usr/bin/python3
"""Golden values for the regression metrics in tests/test_nn_metrics.cpp, from scikit-learn (Debian's
python3-sklearn) on NumPy.

Run from the repository root:  /usr/bin/python3 tests/reference/regression_metrics.py
It writes tests/reference/regression_metrics.json: each case's predictions and targets (float32 values,
so the C++ test reads exactly the numbers sklearn saw) and sklearn's MSE, RMSE, MAE and R^2 in float64,
with the default multioutput="uniform_average". RMSE is the mean over outputs of sqrt(per-output MSE),
which is what sklearn's mean_squared_error(..., squared=False) computes.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

rng = np.random.default_rng(20261201)


def case(name, targets, predictions):
    y = np.asarray(targets, dtype=np.float32)
    p = np.asarray(predictions, dtype=np.float32)
    y64, p64 = y.astype(np.float64), p.astype(np.float64)
    return {
        "name": name,
        "targets": y.tolist(),
        "predictions": p.tolist(),
        "mse": float(mean_squared_error(y64, p64)),
        "rmse": float(mean_squared_error(y64, p64, squared=False)),
        "mae": float(mean_absolute_error(y64, p64)),
        "r2": float(r2_score(y64, p64)),
    }


y1 = rng.normal(3.0, 2.0, size=20)
y3 = rng.normal([0.0, 10.0, -5.0], [1.0, 4.0, 0.5], size=(15, 3))
cases = [
    case("one_output", y1, y1 + rng.normal(0.0, 0.7, size=20)),
    case("three_outputs", y3, y3 + rng.normal(0.0, [0.3, 2.0, 0.6], size=(15, 3))),
    case("one_column", y1[:, None], (0.5 * y1 + 1.0)[:, None]),  # [N, 1], shrunk towards 1
    case("worse_than_the_mean", y1, y1[::-1]),  # R^2 < 0
    # A constant output: R^2 is 1 where it is predicted exactly, 0 where not (force_finite).
    case("constant_column_exact", [[1, 2], [1, 4], [1, 5]], [[1, 2.5], [1, 3.5], [1, 5]]),
    case("constant_column_missed", [[1, 2], [1, 4], [1, 5]], [[1.5, 2.5], [1, 3.5], [1, 5]]),
    case("perfect", [1.5, -2, 7, 0.25], [1.5, -2, 7, 0.25]),
]

out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "cases": cases}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "regression_metrics.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", path)
