"""Golden values for tests/test_lr_scheduler.cpp, from torch.optim.lr_scheduler (PyTorch 1.13).

Run with Debian's Python, which sees python3-torch:
    /usr/bin/python3 tests/reference/lr_scheduler.py
It writes lr_scheduler.json beside itself. Every case drives torch.optim.SGD on two dummy parameters in
two param groups with different learning rates, and records get_last_lr() after construction (epoch 0)
and after each step (optimizer.step() first, then scheduler.step(), the order PyTorch asks for).
For schedulers with a closed form it also records _get_closed_form_lr() at every epoch.
WarmupCosineLR is ours, not PyTorch's: its values come from warmup_cosine() below, the formula
documented in optim/lr_scheduler/warmup_cosine_lr.hpp.
"""

import json
import math
import os
import warnings

import torch
from torch.optim import lr_scheduler as sched

BASE_LRS = [0.1, 0.03]


def make_optimizer():
    params = [torch.zeros(1, requires_grad=True) for _ in BASE_LRS]
    groups = [{"params": [p], "lr": lr} for p, lr in zip(params, BASE_LRS)]
    return torch.optim.SGD(groups, lr=BASE_LRS[0])


def group_lrs(optimizer):
    return [group["lr"] for group in optimizer.param_groups]


def build(optimizer, kind, args):
    if kind == "StepLR":
        return sched.StepLR(optimizer, args["step_size"], args["gamma"])
    if kind == "MultiStepLR":
        return sched.MultiStepLR(optimizer, args["milestones"], args["gamma"])
    if kind == "ExponentialLR":
        return sched.ExponentialLR(optimizer, args["gamma"])
    if kind == "CosineAnnealingLR":
        return sched.CosineAnnealingLR(optimizer, args["T_max"], args["eta_min"])
    if kind == "LinearLR":
        return sched.LinearLR(optimizer, args["start_factor"], args["end_factor"], args["total_iters"])
    if kind == "SequentialLR":
        # Sub-schedulers are constructed in args["construction_order"] (each performs its own initial
        # step on the optimizer), then handed over in list order.
        built = {}
        for i in args["construction_order"]:
            sub = args["schedulers"][i]
            built[i] = build(optimizer, sub["scheduler"], sub["args"])
        return sched.SequentialLR(optimizer, [built[i] for i in range(len(built))], args["milestones"])
    raise ValueError(kind)


def closed_form(scheduler, steps):
    """_get_closed_form_lr() at epochs 0..steps, without stepping the optimizer."""
    saved = scheduler.last_epoch
    values = []
    for epoch in range(steps + 1):
        scheduler.last_epoch = epoch
        values.append(list(scheduler._get_closed_form_lr()))
    scheduler.last_epoch = saved
    return values


def run_case(name, kind, args, steps):
    optimizer = make_optimizer()
    scheduler = build(optimizer, kind, args)
    lrs = [list(scheduler.get_last_lr())]
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        lrs.append(list(scheduler.get_last_lr()))
        assert lrs[-1] == group_lrs(optimizer)
    case = {"name": name, "scheduler": kind, "args": args, "lrs": lrs}
    if hasattr(scheduler, "_get_closed_form_lr"):
        case["closed_form"] = closed_form(scheduler, steps)
        worst = max(abs(a - b) / max(abs(a), abs(b)) if a != b else 0.0
                    for row_s, row_c in zip(lrs, case["closed_form"]) for a, b in zip(row_s, row_c))
        print(f"{name}: largest relative difference step() vs closed form = {worst:.3g}")
    return case


def warmup_cosine(base_lr, t, warmup_steps, total_steps, min_lr):
    if t < warmup_steps:
        return base_lr * t / warmup_steps
    if t >= total_steps:
        return min_lr
    progress = math.pi * (t - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + (base_lr - min_lr) * (1 + math.cos(progress)) / 2


def warmup_cosine_case(name, args, steps):
    lrs = [[warmup_cosine(base, t, args["warmup_steps"], args["total_steps"], args["min_lr"]) for base in BASE_LRS]
           for t in range(steps + 1)]
    return {"name": name, "scheduler": "WarmupCosineLR", "args": args, "lrs": lrs, "closed_form": lrs}


def plateau_case(name, args, metrics):
    optimizer = make_optimizer()
    scheduler = sched.ReduceLROnPlateau(optimizer, mode=args["mode"], factor=args["factor"],
                                        patience=args["patience"], threshold=args["threshold"],
                                        threshold_mode=args["threshold_mode"], cooldown=args["cooldown"],
                                        min_lr=args["min_lr"], eps=args["eps"])
    lrs = [group_lrs(optimizer)]
    for metric in metrics:
        optimizer.step()
        scheduler.step(metric)
        lrs.append(group_lrs(optimizer))
    changes = sum(1 for before, after in zip(lrs, lrs[1:]) if before != after)
    print(f"{name}: {changes} steps changed an lr, final {lrs[-1]}")
    return {"name": name, "scheduler": "ReduceLROnPlateau", "args": args, "metrics": metrics, "lrs": lrs}


def main():
    warnings.simplefilter("ignore")  # SequentialLR calls the deprecated step(epoch) at milestones
    cases = [
        run_case("StepLR every 7 by 0.5", "StepLR", {"step_size": 7, "gamma": 0.5}, 40),
        run_case("StepLR every 3 by the default 0.1", "StepLR", {"step_size": 3, "gamma": 0.1}, 30),
        run_case("StepLR every step by 0.9", "StepLR", {"step_size": 1, "gamma": 0.9}, 30),
        run_case("MultiStepLR at 3 8 20 by 0.3", "MultiStepLR", {"milestones": [3, 8, 20], "gamma": 0.3}, 30),
        run_case("MultiStepLR at 0 and 5", "MultiStepLR", {"milestones": [0, 5], "gamma": 0.1}, 10),
        run_case("ExponentialLR 0.9", "ExponentialLR", {"gamma": 0.9}, 60),
        run_case("ExponentialLR 1.05 grows", "ExponentialLR", {"gamma": 1.05}, 30),
        run_case("CosineAnnealingLR T_max 10 over three periods", "CosineAnnealingLR", {"T_max": 10, "eta_min": 0.0},
                 60),
        run_case("CosineAnnealingLR T_max 7 eta_min 0.001", "CosineAnnealingLR", {"T_max": 7, "eta_min": 0.001}, 50),
        run_case("CosineAnnealingLR T_max 1", "CosineAnnealingLR", {"T_max": 1, "eta_min": 0.002}, 10),
        run_case("CosineAnnealingLR T_max 50", "CosineAnnealingLR", {"T_max": 50, "eta_min": 0.0}, 100),
        run_case("LinearLR defaults", "LinearLR", {"start_factor": 1.0 / 3, "end_factor": 1.0, "total_iters": 5}, 10),
        run_case("LinearLR 0.25 to 0.75 over 8", "LinearLR", {"start_factor": 0.25, "end_factor": 0.75,
                                                                "total_iters": 8}, 15),
        run_case("LinearLR decreasing 1 to 0", "LinearLR", {"start_factor": 1.0, "end_factor": 0.0, "total_iters": 6},
                 10),
        run_case("SequentialLR LinearLR warmup then CosineAnnealingLR", "SequentialLR", {
            "schedulers": [
                {"scheduler": "LinearLR", "args": {"start_factor": 0.1, "end_factor": 1.0, "total_iters": 5}},
                {"scheduler": "CosineAnnealingLR", "args": {"T_max": 20, "eta_min": 0.0001}},
            ],
            "construction_order": [0, 1],
            "milestones": [5]}, 40),
        run_case("SequentialLR built in reverse order", "SequentialLR", {
            "schedulers": [
                {"scheduler": "LinearLR", "args": {"start_factor": 0.2, "end_factor": 1.0, "total_iters": 4}},
                {"scheduler": "CosineAnnealingLR", "args": {"T_max": 12, "eta_min": 0.0}},
            ],
            "construction_order": [1, 0],
            "milestones": [6]}, 30),
        # The first listed scheduler is constructed after a LinearLR has scaled the lrs: it must still
        # take the untouched lrs (group['initial_lr'] in PyTorch) as its base lrs.
        run_case("SequentialLR whose first scheduler is built last", "SequentialLR", {
            "schedulers": [
                {"scheduler": "CosineAnnealingLR", "args": {"T_max": 6, "eta_min": 0.0}},
                {"scheduler": "LinearLR", "args": {"start_factor": 0.2, "end_factor": 1.0, "total_iters": 4}},
            ],
            "construction_order": [1, 0],
            "milestones": [8]}, 20),
        run_case("SequentialLR of three", "SequentialLR", {
            "schedulers": [
                {"scheduler": "LinearLR", "args": {"start_factor": 0.5, "end_factor": 1.0, "total_iters": 3}},
                {"scheduler": "ExponentialLR", "args": {"gamma": 0.8}},
                {"scheduler": "StepLR", "args": {"step_size": 4, "gamma": 0.5}},
            ],
            "construction_order": [0, 1, 2],
            "milestones": [3, 10]}, 30),
        warmup_cosine_case("WarmupCosineLR 5 then cosine to 30", {"warmup_steps": 5, "total_steps": 30,
                                                                  "min_lr": 0.0001}, 40),
        warmup_cosine_case("WarmupCosineLR no warmup", {"warmup_steps": 0, "total_steps": 10, "min_lr": 0.0}, 15),
        warmup_cosine_case("WarmupCosineLR long warmup", {"warmup_steps": 12, "total_steps": 16, "min_lr": 0.001}, 20),
        plateau_case("ReduceLROnPlateau min rel with cooldown and min_lr", {
            "mode": "min", "factor": 0.5, "patience": 2, "threshold": 0.01, "threshold_mode": "rel", "cooldown": 2,
            "min_lr": 0.01, "eps": 1e-8},
            [1.0, 0.9, 0.8, 0.85, 0.8, 0.795, 0.81, 0.7, 0.75, 0.72, 0.71, 0.705, 0.8, 0.9, 0.69, 0.7, 0.7, 0.7,
             0.65, 0.66, 0.67, 0.68, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64]),
        plateau_case("ReduceLROnPlateau same metrics without cooldown", {
            "mode": "min", "factor": 0.5, "patience": 2, "threshold": 0.01, "threshold_mode": "rel", "cooldown": 0,
            "min_lr": 0.01, "eps": 1e-8},
            [1.0, 0.9, 0.8, 0.85, 0.8, 0.795, 0.81, 0.7, 0.75, 0.72, 0.71, 0.705, 0.8, 0.9, 0.69, 0.7, 0.7, 0.7,
             0.65, 0.66, 0.67, 0.68, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64]),
        plateau_case("ReduceLROnPlateau max abs per-group min_lr and eps", {
            "mode": "max", "factor": 0.1, "patience": 0, "threshold": 0.05, "threshold_mode": "abs", "cooldown": 1,
            "min_lr": [0.0001, 0.001], "eps": 0.001},
            [0.5, 0.6, 0.62, 0.7, 0.7, 0.74, 0.76, 0.8, 0.81, 0.82, 0.83, 0.84, 0.9, 0.9, 0.9, 0.9]),
        plateau_case("ReduceLROnPlateau defaults on a plateau", {
            "mode": "min", "factor": 0.1, "patience": 10, "threshold": 1e-4, "threshold_mode": "rel", "cooldown": 0,
            "min_lr": 0.0, "eps": 1e-8},
            [2.0, 1.5, 1.2, 1.1] + [1.0] * 16 + [0.99995] * 5 + [0.9] + [0.9] * 14),
        plateau_case("ReduceLROnPlateau min abs", {
            "mode": "min", "factor": 0.3, "patience": 1, "threshold": 0.1, "threshold_mode": "abs", "cooldown": 0,
            "min_lr": 0.0, "eps": 1e-8},
            [5.0, 4.95, 4.8, 4.75, 4.0, 3.95, 3.91, 3.85, 3.0, 3.0, 2.95, 2.89, 2.0]),
        plateau_case("ReduceLROnPlateau max rel", {
            "mode": "max", "factor": 0.5, "patience": 1, "threshold": 0.1, "threshold_mode": "rel", "cooldown": 0,
            "min_lr": 0.0, "eps": 1e-8},
            [1.0, 1.05, 1.2, 1.3, 1.31, 1.5, 1.6, 1.64, 1.66, 2.0]),
    ]
    out = {"generator": "tests/reference/lr_scheduler.py", "torch_version": torch.__version__, "base_lrs": BASE_LRS,
           "cases": cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lr_scheduler.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}: {len(cases)} cases")


if __name__ == "__main__":
    main()
