#!/usr/bin/python3
"""Reference runs of torch.optim.LBFGS (PyTorch 1.13, CPU, float32) for tests/test_optim_lbfgs.cpp.

Run with Debian's python3 (the one that sees torch):  /usr/bin/python3 tests/reference/lbfgs.py
Writes tests/reference/lbfgs.json next to this script.

torch's Tensor.dot is BLAS sdot, and OpenBLAS's kernels for different CPUs sum in different orders: the
script pins OpenBLAS's Haswell (AVX2) kernel, whose order xgrad's LBFGS reproduces on any CPU (it must
be set before torch loads OpenBLAS, hence the environment variable below).

The closures compute their loss and gradient with explicit float32 loops (numpy float32 scalars: one
rounding per operation, no fused multiply-add), which the C++ test repeats operation for operation, so
that what is compared is LBFGS alone, not two autograd engines. Each case records, after every outer
step(closure): the returned loss, every parameter value, the closure calls so far (counted inside the
closure), and torch's state['func_evals'] and state['n_iter'].
"""
import json
import os

os.environ["OPENBLAS_CORETYPE"] = "Haswell"

import numpy as np  # noqa: E402
import torch  # noqa: E402

F = np.float32


def rosenbrock(values):
    """sum_i 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2 and its gradient, in float32 one op at a time."""
    x = values[0]
    n = len(x)
    loss = F(0)
    grad = [F(0)] * n
    for i in range(n - 1):
        a = F(x[i + 1] - F(x[i] * x[i]))
        b = F(F(1) - x[i])
        loss = F(loss + F(F(F(100) * a) * a))
        loss = F(loss + F(b * b))
        # d/dx[i]: -400 a x[i] - 2 b ;  d/dx[i+1]: 200 a
        grad[i] = F(grad[i] - F(F(F(400) * a) * x[i]))
        grad[i] = F(grad[i] - F(F(2) * b))
        grad[i + 1] = F(grad[i + 1] + F(F(200) * a))
    return loss, [grad]


# The least-squares problem: pred = X W + b (X [6, 3], W [3, 4], b [4]), loss = sum (pred - Y)^2 / 24.
LS_X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-1.0, 2.0, 1.0], [0.0, -0.75, 1.25], [2.0, 1.0, 0.5],
        [-0.5, -1.5, -2.0]]
LS_Y = [[1.0, 0.0, -1.0, 2.0], [0.5, 1.5, 0.0, -0.5], [-2.0, 1.0, 0.5, 0.0], [0.25, -1.0, 1.0, 1.5],
        [1.0, 2.0, -0.5, 0.75], [-1.5, 0.0, 2.0, -1.0]]


def least_squares(values):
    w, b = values  # w flat [3 * 4] row-major, b [4]
    rows, inputs, outputs = len(LS_X), 3, 4
    count = F(rows * outputs)
    loss = F(0)
    grad_w = [F(0)] * (inputs * outputs)
    grad_b = [F(0)] * outputs
    for r in range(rows):
        for j in range(outputs):
            pred = b[j]
            for i in range(inputs):
                pred = F(pred + F(F(LS_X[r][i]) * w[i * outputs + j]))
            res = F(pred - F(LS_Y[r][j]))
            loss = F(loss + F(res * res))
            g = F(F(F(2) * res) / count)
            grad_b[j] = F(grad_b[j] + g)
            for i in range(inputs):
                grad_w[i * outputs + j] = F(grad_w[i * outputs + j] + F(g * F(LS_X[r][i])))
    return F(loss / count), [grad_w, grad_b]


PROBLEMS = {
    "rosenbrock": rosenbrock,
    "least_squares": least_squares,
}

CASES = [
    {"name": "rosenbrock2_fixed_step", "problem": "rosenbrock", "x0": [[-1.5, 2.0]], "steps": 4,
     "options": {"lr": 0.05}},
    {"name": "rosenbrock2_strong_wolfe", "problem": "rosenbrock", "x0": [[-1.5, 2.0]], "steps": 4,
     "options": {"line_search_fn": "strong_wolfe"}},
    {"name": "rosenbrock2_wolfe_history3_max_iter5", "problem": "rosenbrock", "x0": [[-1.2, 1.0]], "steps": 8,
     "options": {"line_search_fn": "strong_wolfe", "history_size": 3, "max_iter": 5}},
    {"name": "rosenbrock10_strong_wolfe", "problem": "rosenbrock",
     "x0": [[-1.0, 1.5, -0.5, 0.8, 1.2, -1.3, 0.4, 0.0, 2.0, -0.7]], "steps": 5,
     "options": {"line_search_fn": "strong_wolfe", "history_size": 10}},
    {"name": "rosenbrock10_wolfe_lr_half_max_eval", "problem": "rosenbrock",
     "x0": [[-1.0, 1.5, -0.5, 0.8, 1.2, -1.3, 0.4, 0.0, 2.0, -0.7]], "steps": 6,
     "options": {"line_search_fn": "strong_wolfe", "lr": 0.5, "max_eval": 12}},
    {"name": "rosenbrock10_fixed_step_history3", "problem": "rosenbrock",
     "x0": [[0.5, 0.25, -0.5, 0.8, 1.2, 0.3, 0.4, 0.0, 1.0, 0.7]], "steps": 5,
     "options": {"lr": 0.02, "history_size": 3, "max_iter": 5}},
    {"name": "least_squares_default", "problem": "least_squares",
     "x0": [[0.1, -0.2, 0.3, 0.0, 0.5, 0.25, -0.4, 0.2, -0.1, 0.6, 0.05, -0.3], [0.0, 0.1, -0.1, 0.2]],
     "shapes": [[3, 4], [4]], "steps": 3, "options": {}},
    {"name": "least_squares_lr_half_history3", "problem": "least_squares",
     "x0": [[0.1, -0.2, 0.3, 0.0, 0.5, 0.25, -0.4, 0.2, -0.1, 0.6, 0.05, -0.3], [0.0, 0.1, -0.1, 0.2]],
     "shapes": [[3, 4], [4]], "steps": 4, "options": {"lr": 0.5, "history_size": 3, "max_iter": 5}},
    {"name": "least_squares_strong_wolfe", "problem": "least_squares",
     "x0": [[0.1, -0.2, 0.3, 0.0, 0.5, 0.25, -0.4, 0.2, -0.1, 0.6, 0.05, -0.3], [0.0, 0.1, -0.1, 0.2]],
     "shapes": [[3, 4], [4]], "steps": 3, "options": {"line_search_fn": "strong_wolfe", "tolerance_grad": 1e-5}},
]



def run(case):
    problem = PROBLEMS[case["problem"]]
    shapes = case.get("shapes", [[len(x)] for x in case["x0"]])
    params = [torch.tensor(x, dtype=torch.float32).reshape(shape).requires_grad_() for x, shape in
              zip(case["x0"], shapes)]
    optimizer = torch.optim.LBFGS(params, **case["options"])
    calls = [0]

    def closure():
        calls[0] += 1
        optimizer.zero_grad()
        values = [[F(v) for v in p.detach().numpy().reshape(-1)] for p in params]
        loss, grads = problem(values)
        for p, g in zip(params, grads):
            p.grad = torch.tensor(np.array(g, dtype=np.float32)).reshape(p.shape)
        return torch.tensor(loss)

    steps = []
    for _ in range(case["steps"]):
        loss = optimizer.step(closure)
        state = optimizer.state[params[0]]
        steps.append({
            "loss": float(loss),
            "params": [[float(v) for v in p.detach().numpy().reshape(-1)] for p in params],
            "closure_calls": calls[0],
            "func_evals": state["func_evals"],
            "n_iter": state["n_iter"],
        })
    out = dict(case)
    out["steps_taken"] = steps
    return out


def main():
    cases = [run(case) for case in CASES]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lbfgs.json")
    with open(path, "w") as f:
        json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
