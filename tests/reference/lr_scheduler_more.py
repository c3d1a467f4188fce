"""Golden values for tests/test_lr_scheduler_more.cpp: the schedulers of issue 13 (LambdaLR,
MultiplicativeLR, ConstantLR, PolynomialLR, CosineAnnealingWarmRestarts, ChainedScheduler, and
CosineAnnealingWarmRestarts inside a SequentialLR), CyclicLR and OneCycleLR, from
torch.optim.lr_scheduler (PyTorch 1.13).

Run with Debian's Python, which sees python3-torch:
    /usr/bin/python3 tests/reference/lr_scheduler_more.py
It writes lr_scheduler_more.json beside itself. As lr_scheduler.py: torch.optim.SGD over two param groups
with lrs 0.1 and 0.03, get_last_lr() after construction and after each step (optimizer.step() first),
and _get_closed_form_lr() at every epoch where the scheduler has one. The lr lambdas are named; the test
has a C++ function of the same name that computes the same double (so has CyclicLR's custom scale_fn).
CyclicLR and OneCycleLR cases name their optimizer ("SGD" with momentum 0.9, or "Adam") and record each
group's momentum (SGD's momentum, Adam's betas[0]) beside the lrs; they step per batch, like the others.
"""

import json
import os
import sys
import warnings

import torch
from torch.optim import lr_scheduler as sched

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lr_scheduler import closed_form  # noqa: E402  (_get_closed_form_lr() at every epoch)

BASE_LRS = [0.1, 0.03]

LAMBDAS = {
    "pow_0.95": lambda epoch: 0.95 ** epoch,
    "every_30": lambda epoch: epoch // 30,
    "warmup_10": lambda epoch: min(1.0, (epoch + 1) / 10),
    "constant_0.95": lambda epoch: 0.95,
    "slower": lambda epoch: 1 - 0.001 * epoch,
}


SCALE_FNS = {
    "half_life_3": lambda x: 0.5 ** (x / 3),
}


def make_optimizer(kind="SGD"):
    params = [torch.zeros(1, requires_grad=True) for _ in BASE_LRS]
    groups = [{"params": [p], "lr": lr} for p, lr in zip(params, BASE_LRS)]
    if kind == "SGD_momentum":
        return torch.optim.SGD(groups, lr=BASE_LRS[0], momentum=0.9)
    if kind == "Adam":
        return torch.optim.Adam(groups, lr=BASE_LRS[0])
    return torch.optim.SGD(groups, lr=BASE_LRS[0])


def momentums(optimizer):
    return [group["betas"][0] if "betas" in group else group["momentum"] for group in optimizer.param_groups]


def lambdas(args):
    names = args["lr_lambda"]
    return [LAMBDAS[n] for n in names] if isinstance(names, list) else LAMBDAS[names]


def build(optimizer, kind, args):
    if kind == "LambdaLR":
        return sched.LambdaLR(optimizer, lambdas(args))
    if kind == "MultiplicativeLR":
        return sched.MultiplicativeLR(optimizer, lambdas(args))
    if kind == "ConstantLR":
        return sched.ConstantLR(optimizer, args["factor"], args["total_iters"])
    if kind == "PolynomialLR":
        return sched.PolynomialLR(optimizer, args["total_iters"], args["power"])
    if kind == "ExponentialLR":
        return sched.ExponentialLR(optimizer, args["gamma"])
    if kind == "LinearLR":
        return sched.LinearLR(optimizer, args["start_factor"], args["end_factor"], args["total_iters"])
    if kind == "CosineAnnealingWarmRestarts":
        return sched.CosineAnnealingWarmRestarts(optimizer, args["T_0"], args["T_mult"], args["eta_min"])
    if kind == "CyclicLR":
        extra = dict(args)
        if "scale_fn" in extra:
            extra["scale_fn"] = SCALE_FNS[extra["scale_fn"]]
        return sched.CyclicLR(optimizer, **extra)
    if kind == "OneCycleLR":
        return sched.OneCycleLR(optimizer, **args)
    if kind == "ChainedScheduler":
        return sched.ChainedScheduler([build(optimizer, s["scheduler"], s["args"]) for s in args["schedulers"]])
    if kind == "SequentialLR":
        parts = [build(optimizer, s["scheduler"], s["args"]) for s in args["schedulers"]]
        return sched.SequentialLR(optimizer, parts, args["milestones"])
    raise ValueError(kind)


def run_case(name, kind, args, steps, optimizer_kind=None):
    optimizer = make_optimizer(optimizer_kind or "SGD")
    scheduler = build(optimizer, kind, args)
    lrs = [[group["lr"] for group in optimizer.param_groups]]
    moms = [momentums(optimizer)]
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        lrs.append(list(scheduler.get_last_lr()))
        moms.append(momentums(optimizer))
        assert lrs[-1] == [group["lr"] for group in optimizer.param_groups]
    case = {"name": name, "scheduler": kind, "args": args, "lrs": lrs}
    if optimizer_kind is not None:
        case["optimizer"] = optimizer_kind
        case["momentums"] = moms
    if kind != "SequentialLR" and hasattr(scheduler, "_get_closed_form_lr"):
        case["closed_form"] = closed_form(scheduler, steps)
    return case


def spec(kind, **args):
    return {"scheduler": kind, "args": args}


def main():
    warnings.simplefilter("ignore")  # the closed-form calls outside step() warn
    cases = [
        run_case("lambda_pow", "LambdaLR", {"lr_lambda": "pow_0.95"}, 300),
        run_case("lambda_per_group", "LambdaLR", {"lr_lambda": ["every_30", "warmup_10"]}, 100),
        run_case("multiplicative_constant", "MultiplicativeLR", {"lr_lambda": "constant_0.95"}, 300),
        run_case("multiplicative_per_group", "MultiplicativeLR", {"lr_lambda": ["constant_0.95", "slower"]}, 300),
        run_case("constant_default", "ConstantLR", {"factor": 1.0 / 3, "total_iters": 5}, 20),
        run_case("constant_half_3", "ConstantLR", {"factor": 0.5, "total_iters": 3}, 20),
        run_case("constant_one", "ConstantLR", {"factor": 1.0, "total_iters": 2}, 10),
        run_case("polynomial_default", "PolynomialLR", {"total_iters": 5, "power": 1.0}, 20),
        run_case("polynomial_power_2", "PolynomialLR", {"total_iters": 50, "power": 2.0}, 80),
        run_case("polynomial_sqrt", "PolynomialLR", {"total_iters": 30, "power": 0.5}, 40),
        run_case("warm_restarts_10", "CosineAnnealingWarmRestarts", {"T_0": 10, "T_mult": 1, "eta_min": 0.0}, 300),
        run_case("warm_restarts_mult_2", "CosineAnnealingWarmRestarts",
                 {"T_0": 5, "T_mult": 2, "eta_min": 0.001}, 300),
        run_case("warm_restarts_mult_3", "CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 3, "eta_min": 0.0}, 200),
        run_case("chained_constant_exponential", "ChainedScheduler",
                 {"schedulers": [spec("ConstantLR", factor=0.1, total_iters=4),
                                 spec("ExponentialLR", gamma=0.9)]}, 60),
        run_case("chained_restarts_exponential", "ChainedScheduler",
                 {"schedulers": [spec("CosineAnnealingWarmRestarts", T_0=5, T_mult=1, eta_min=0.0),
                                 spec("ExponentialLR", gamma=0.95)]}, 60),
        run_case("sequential_linear_restarts", "SequentialLR",
                 {"schedulers": [spec("LinearLR", start_factor=0.25, end_factor=1.0, total_iters=3),
                                 spec("CosineAnnealingWarmRestarts", T_0=4, T_mult=2, eta_min=0.0)],
                  "milestones": [3]}, 100),
        run_case("cyclic_triangular", "CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 10}, 300,
                 "SGD_momentum"),
        run_case("cyclic_triangular2_down", "CyclicLR",
                 {"base_lr": [0.01, 0.002], "max_lr": [0.1, 0.05], "step_size_up": 7, "step_size_down": 13,
                  "mode": "triangular2"}, 300, "SGD_momentum"),
        run_case("cyclic_exp_range", "CyclicLR",
                 {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 5, "mode": "exp_range", "gamma": 0.99,
                  "base_momentum": 0.85, "max_momentum": 0.95}, 300, "SGD_momentum"),
        run_case("cyclic_scale_fn_iterations", "CyclicLR",
                 {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4, "step_size_down": 6, "scale_fn": "half_life_3",
                  "scale_mode": "iterations"}, 100, "SGD_momentum"),
        run_case("cyclic_scale_fn_cycle_no_momentum", "CyclicLR",
                 {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3, "scale_fn": "half_life_3",
                  "scale_mode": "cycle", "cycle_momentum": False}, 100, "Adam"),
        run_case("one_cycle_cos_sgd", "OneCycleLR", {"max_lr": 0.1, "total_steps": 300}, 300, "SGD_momentum"),
        run_case("one_cycle_linear_adam", "OneCycleLR",
                 {"max_lr": [0.1, 0.05], "epochs": 10, "steps_per_epoch": 25, "anneal_strategy": "linear"}, 250,
                 "Adam"),
        run_case("one_cycle_three_phase", "OneCycleLR",
                 {"max_lr": 0.2, "total_steps": 200, "pct_start": 0.25, "three_phase": True, "div_factor": 10.0,
                  "final_div_factor": 100.0}, 200, "Adam"),
        run_case("one_cycle_no_momentum", "OneCycleLR",
                 {"max_lr": 0.1, "total_steps": 37, "pct_start": 0.4, "cycle_momentum": False}, 37, "SGD"),
    ]
    # OneCycleLR refuses the step after its last one.
    optimizer = make_optimizer("SGD_momentum")
    one_cycle = sched.OneCycleLR(optimizer, max_lr=0.1, total_steps=10)
    for _ in range(10):
        one_cycle.step()
    try:
        one_cycle.step()
        raise AssertionError("OneCycleLR did not refuse step 11")
    except ValueError as e:
        assert "Tried to step 12 times" in str(e), e
    out = {"torch_version": torch.__version__, "base_lrs": BASE_LRS, "cases": cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lr_scheduler_more.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
