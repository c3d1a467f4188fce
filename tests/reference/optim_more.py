#!/usr/bin/python3
"""Reference trajectories of torch.optim's NAdam, RAdam, Adamax and Adadelta (PyTorch 1.13, CPU, float32)
for tests/test_optim_reference.cpp, on optim.py's problem (same loss, parameters, gradients, 200 steps).

Run with Debian's python3 (the one that sees torch):  /usr/bin/python3 tests/reference/optim_more.py
Writes tests/reference/optim_more.json next to this script. The case format is optim.py's.
torch 1.13's NAdam and RAdam have no `maximize`; Adamax and Adadelta do.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optim  # noqa: E402  (the problem, the step loop and the JSON layout)

CASES = [
    {"name": "nadam_default", "optimizer": "NAdam", "options": {}},
    {"name": "nadam_lr_weight_decay", "optimizer": "NAdam", "options": {"lr": 0.01, "weight_decay": 0.1}},
    {"name": "nadam_betas_eps_momentum_decay", "optimizer": "NAdam",
     "options": {"lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "momentum_decay": 0.01}},
    {"name": "nadam_groups_skip_lr_change", "optimizer": "NAdam", "options": {"lr": 0.01, "weight_decay": 0.02},
     "groups": [{"params": [0, 2], "options": {}}, {"params": [1], "options": {"lr": 0.03, "beta1": 0.95}}],
     "skip": {"param": 1, "every": 3}, "lr_change": {"step": 100, "factor": 0.5}},
    {"name": "radam_default", "optimizer": "RAdam", "options": {}},
    {"name": "radam_lr_weight_decay", "optimizer": "RAdam", "options": {"lr": 0.01, "weight_decay": 0.1}},
    # beta2 0.9: rho_inf = 19, so the rectified step starts at t = 3; beta2 0.999 at t = 6.
    {"name": "radam_betas_eps", "optimizer": "RAdam",
     "options": {"lr": 0.02, "beta1": 0.8, "beta2": 0.9, "eps": 1e-6}},
    {"name": "radam_groups_skip_lr_change", "optimizer": "RAdam", "options": {"lr": 0.01},
     "groups": [{"params": [0], "options": {}}, {"params": [1, 2], "options": {"lr": 0.03, "beta2": 0.99}}],
     "skip": {"param": 2, "every": 4}, "lr_change": {"step": 50, "factor": 0.2}},
    {"name": "adamax_default", "optimizer": "Adamax", "options": {}},
    {"name": "adamax_lr_weight_decay", "optimizer": "Adamax", "options": {"lr": 0.02, "weight_decay": 0.1}},
    {"name": "adamax_betas_eps", "optimizer": "Adamax",
     "options": {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-4}},
    {"name": "adamax_maximize", "optimizer": "Adamax", "options": {"lr": 0.005, "maximize": True}},
    {"name": "adamax_groups_skip", "optimizer": "Adamax", "options": {"lr": 0.01, "weight_decay": 0.02},
     "groups": [{"params": [0, 1], "options": {}}, {"params": [2], "options": {"lr": 0.05}}],
     "skip": {"param": 0, "every": 2}},
    {"name": "adadelta_default", "optimizer": "Adadelta", "options": {}},
    {"name": "adadelta_rho_eps", "optimizer": "Adadelta", "options": {"lr": 0.5, "rho": 0.95, "eps": 1e-4}},
    {"name": "adadelta_weight_decay", "optimizer": "Adadelta", "options": {"weight_decay": 0.1}},
    {"name": "adadelta_maximize", "optimizer": "Adadelta", "options": {"lr": 0.1, "maximize": True}},
    {"name": "adadelta_groups_skip_lr_change", "optimizer": "Adadelta", "options": {"lr": 2.0, "rho": 0.8},
     "groups": [{"params": [0], "options": {}}, {"params": [1, 2], "options": {"lr": 1.0, "weight_decay": 0.05}}],
     "skip": {"param": 1, "every": 5}, "lr_change": {"step": 100, "factor": 0.1}},
]


def main():
    optim.write_trajectories(CASES, "optim_more.json")


if __name__ == "__main__":
    main()
