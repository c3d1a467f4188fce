#!/usr/bin/python3
"""Reference trajectories of torch.optim (PyTorch 1.13, CPU, float32) for tests/test_optim_reference.cpp.

Run with Debian's python3 (the one that sees torch):  /usr/bin/python3 tests/reference/optim.py
Writes tests/reference/optim.json next to this script.

The loss is a fixed smooth nonconvex function of three parameters of shapes (10, 5), (5,), (3, 3, 3):
    L = sum(a * p^2 / 2 + c * p^4 / 4 - b * p)      (a may be negative: double wells)
Its gradient g = a * p + c * p^3 - b is computed here with one float32 op at a time, in this order:
    t1 = a * p;  t2 = p * p;  t3 = t2 * p;  t4 = c * t3;  t5 = t1 + t4;  g = t5 - b
and the C++ test computes it the same way, so both sides feed their optimizer identical gradients and
any difference in the trajectories is the optimizer's.
"""
import json
import os

import torch

torch.set_num_threads(1)
SHAPES = [(10, 5), (5,), (3, 3, 3)]
STEPS = 200
CHECKPOINTS = [1, 2, 10, 50, 100, 200]


def flat(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


gen = torch.Generator().manual_seed(20240605)
problem = []
for shape in SHAPES:
    problem.append({
        "shape": list(shape),
        "p0": torch.randn(shape, generator=gen),
        "a": torch.rand(shape, generator=gen) * 2 - 1,
        "c": torch.rand(shape, generator=gen) * 0.25 + 0.05,
        "b": torch.randn(shape, generator=gen) * 0.5,
    })


def gradient(p, spec):
    t1 = spec["a"] * p
    t2 = p * p
    t3 = t2 * p
    t4 = spec["c"] * t3
    t5 = t1 + t4
    return t5 - spec["b"]


# Each case: optimizer, options (betas as beta1/beta2, named as in xgrad's hyperparameters()), optional
# param groups (lists of parameter indices, each with option overrides), optional "skip" (that parameter
# gets no gradient on steps divisible by `every`: it sits those steps out and keeps its own step count),
# optional "lr_change" (after that step every group's lr is multiplied by `factor`, as a scheduler would).
CASES = [
    {"name": "sgd_plain", "optimizer": "SGD", "options": {"lr": 0.02}},
    {"name": "sgd_momentum", "optimizer": "SGD", "options": {"lr": 0.01, "momentum": 0.9}},
    {"name": "sgd_dampening", "optimizer": "SGD", "options": {"lr": 0.01, "momentum": 0.9, "dampening": 0.3}},
    {"name": "sgd_nesterov", "optimizer": "SGD", "options": {"lr": 0.01, "momentum": 0.8, "nesterov": True}},
    {"name": "sgd_weight_decay", "optimizer": "SGD", "options": {"lr": 0.02, "weight_decay": 0.05}},
    {"name": "sgd_momentum_weight_decay_groups_skip", "optimizer": "SGD",
     "options": {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.01},
     "groups": [{"params": [0, 1], "options": {}}, {"params": [2], "options": {"lr": 0.003}}],
     "skip": {"param": 1, "every": 3}},
    {"name": "sgd_maximize", "optimizer": "SGD", "options": {"lr": 0.001, "maximize": True}},
    {"name": "adam_default", "optimizer": "Adam", "options": {"lr": 0.01}},
    {"name": "adam_amsgrad", "optimizer": "Adam", "options": {"lr": 0.01, "amsgrad": True}},
    {"name": "adam_weight_decay", "optimizer": "Adam", "options": {"lr": 0.01, "weight_decay": 0.1}},
    {"name": "adam_amsgrad_weight_decay_betas", "optimizer": "Adam",
     "options": {"lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.05, "amsgrad": True}},
    {"name": "adam_groups_skip_lr_change", "optimizer": "Adam", "options": {"lr": 0.01},
     "groups": [{"params": [0], "options": {}}, {"params": [1, 2], "options": {"lr": 0.03}}],
     "skip": {"param": 1, "every": 4}, "lr_change": {"step": 100, "factor": 0.5}},
    {"name": "adam_maximize", "optimizer": "Adam", "options": {"lr": 0.005, "maximize": True}},
    {"name": "adamw_default", "optimizer": "AdamW", "options": {"lr": 0.01}},
    {"name": "adamw_amsgrad", "optimizer": "AdamW", "options": {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}},
    {"name": "adamw_lr_change_skip", "optimizer": "AdamW", "options": {"lr": 0.02, "weight_decay": 0.2},
     "skip": {"param": 2, "every": 5}, "lr_change": {"step": 50, "factor": 0.1}},
    {"name": "rmsprop_default", "optimizer": "RMSprop", "options": {"lr": 0.01}},
    {"name": "rmsprop_momentum", "optimizer": "RMSprop", "options": {"lr": 0.003, "momentum": 0.9}},
    {"name": "rmsprop_centered", "optimizer": "RMSprop", "options": {"lr": 0.005, "centered": True}},
    {"name": "rmsprop_centered_momentum_weight_decay", "optimizer": "RMSprop",
     "options": {"lr": 0.002, "alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.1}},
    {"name": "rmsprop_weight_decay_eps", "optimizer": "RMSprop",
     "options": {"lr": 0.01, "weight_decay": 0.05, "eps": 1e-4}},
    {"name": "adagrad_default", "optimizer": "Adagrad", "options": {"lr": 0.1}},
    {"name": "adagrad_lr_decay", "optimizer": "Adagrad", "options": {"lr": 0.2, "lr_decay": 0.01}},
    {"name": "adagrad_weight_decay_initial_accumulator", "optimizer": "Adagrad",
     "options": {"lr": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.5}},
    {"name": "adagrad_all_groups_skip", "optimizer": "Adagrad",
     "options": {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.02, "initial_accumulator_value": 0.1, "eps": 1e-6},
     "groups": [{"params": [0, 2], "options": {}}, {"params": [1], "options": {"lr": 0.05}}],
     "skip": {"param": 0, "every": 2}},
]


def torch_kwargs(options):
    kwargs = dict(options)
    if "beta1" in kwargs or "beta2" in kwargs:
        kwargs["betas"] = (kwargs.pop("beta1", 0.9), kwargs.pop("beta2", 0.999))
    kwargs["foreach"] = False  # the single-tensor code, which xgrad mirrors (1.13's default anyway)
    return kwargs


def run(case):
    params = [spec["p0"].clone().requires_grad_(True) for spec in problem]
    cls = getattr(torch.optim, case["optimizer"])
    if "groups" in case:
        groups = [dict(params=[params[i] for i in g["params"]], **torch_kwargs(g["options"])) for g in case["groups"]]
        for g in groups:
            g.pop("foreach")
        opt = cls(groups, **torch_kwargs(case["options"]))
    else:
        opt = cls(params, **torch_kwargs(case["options"]))
    checkpoints = {}
    for step in range(1, STEPS + 1):
        for i, (p, spec) in enumerate(zip(params, problem)):
            skip = case.get("skip")
            if skip is not None and skip["param"] == i and step % skip["every"] == 0:
                p.grad = None
            else:
                with torch.no_grad():
                    p.grad = gradient(p.detach(), spec)
        opt.step()
        if step in CHECKPOINTS:
            checkpoints[str(step)] = [flat(p) for p in params]
        change = case.get("lr_change")
        if change is not None and step == change["step"]:
            for group in opt.param_groups:
                group["lr"] = group["lr"] * change["factor"]
    return checkpoints


def clip_cases():
    g = torch.Generator().manual_seed(7)
    grads = [torch.randn(shape, generator=g) * s for shape, s in zip(SHAPES, [0.5, 2.0, 1.0])]
    out = []
    for max_norm, norm_type in [(1.0, 2.0), (100.0, 2.0), (0.5, float("inf")), (2.0, 1.5), (3.0, 1.0)]:
        params = [torch.zeros(gr.shape, requires_grad=True) for gr in grads]
        for p, gr in zip(params, grads):
            p.grad = gr.clone()
        total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
        out.append({"max_norm": max_norm, "norm_type": "inf" if norm_type == float("inf") else norm_type,
                    "total_norm": float(total), "grads": [flat(p.grad) for p in params]})
    params = [torch.zeros(gr.shape, requires_grad=True) for gr in grads]
    for p, gr in zip(params, grads):
        p.grad = gr.clone()
    torch.nn.utils.clip_grad_value_(params, 0.75)
    return {"grads": [flat(gr) for gr in grads], "norm": out,
            "value": {"clip_value": 0.75, "grads": [flat(p.grad) for p in params]}}


def write_trajectories(cases, filename, extra=None):
    """Runs `cases` and writes them, with the problem, to `filename` beside this script (optim_more.py
    uses this too)."""
    result = {
        "torch_version": torch.__version__,
        "steps": STEPS,
        "checkpoints": CHECKPOINTS,
        "problem": [{"shape": spec["shape"], "p0": flat(spec["p0"]), "a": flat(spec["a"]), "c": flat(spec["c"]),
                     "b": flat(spec["b"])} for spec in problem],
        "cases": [],
        **(extra or {}),
    }
    for case in cases:
        entry = {k: v for k, v in case.items()}
        entry["params"] = run(case)
        result["cases"].append(entry)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), filename)
    with open(path, "w") as f:
        json.dump(result, f, separators=(",", ":"))
    print("wrote", path, os.path.getsize(path), "bytes,", len(cases), "cases")


def main():
    write_trajectories(CASES, "optim.json", {"clip_grad": clip_cases()})


if __name__ == "__main__":
    main()
