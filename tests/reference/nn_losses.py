#!/usr/bin/python3
"""Golden values for tests/test_nn_loss_torch.cpp and tests/test_nn_activation_torch.cpp from PyTorch
(Debian's python3-torch 1.13): the losses beyond nn.py's (HuberLoss, SmoothL1Loss, BCELoss, KLDivLoss,
class weights, pos_weight, regression targets of shape [N] and [N, K]) and the activation layers
Softmax, LogSoftmax, ELU, SiLU, Softplus.

Run from the repository root:  /usr/bin/python3 tests/reference/nn_losses.py
It writes tests/reference/nn_losses.json: every input and PyTorch's outputs and gradients, all float32
values written exactly. A loss case (nn.py's run_loss, its options beside its
arrays) with reduction "none" is differentiated through sum(loss * grad_output), the others through
loss itself; a layer always through sum(y * grad_output).
A case has "grad_target" only where the target's gradient is finite (JSON has no infinity).
"""
import json
import os
import sys
import warnings

import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # no __pycache__ in tests/reference/ from the import below
# nn.py beside this file: run_loss makes one loss case (its loss and gradients), values writes floats.
from nn import run_loss, values

torch.manual_seed(20261201)
torch.set_num_threads(1)
# torch 1.13's KLDivLoss warns that 'mean' is not the KL divergence: its numbers are what we match.
warnings.filterwarnings("ignore", message="reduction: 'mean' divides")

REDUCTIONS = ["mean", "sum", "none"]


def regression_cases():
    """MSE and L1 on targets of shape [N] and [N, K], Huber and SmoothL1 with |x - t| exactly at delta/beta."""
    cases = []
    # Row 0 of each pair: differences of exactly +-1, +-0.5 and 0 (the kinks), the rest random.
    edge_x = torch.tensor([0.25, 1.5, -2.0, 3.0, 0.75, -0.5, 2.0])
    edge_t = torch.tensor([-0.75, 0.5, -1.0, 3.0, 0.25, 0.0, -0.5])
    pairs = [(torch.randn(6), torch.randn(6), "[N]"), (torch.randn(5, 3), torch.randn(5, 3), "[N, K]"),
             (torch.cat([edge_x, torch.randn(5) * 2]), torch.cat([edge_t, torch.randn(5)]), "kinks")]
    for reduction in REDUCTIONS:
        for x, t, tag in pairs:
            opts = {"tag": tag}
            cases.append(run_loss("mse_loss", lambda a, b: F.mse_loss(a, b, reduction=reduction), x, t, reduction,
                                   opts, True))
            cases.append(run_loss("l1_loss", lambda a, b: F.l1_loss(a, b, reduction=reduction), x, t, reduction,
                                   opts, True))
            for delta in [1.0, 0.5, 2.5]:
                cases.append(run_loss("huber_loss",
                                       lambda a, b: F.huber_loss(a, b, reduction=reduction, delta=delta),
                                       x, t, reduction, dict(opts, delta=delta), True))
            for beta in [1.0, 0.5, 0.0]:
                cases.append(run_loss("smooth_l1_loss",
                                       lambda a, b: F.smooth_l1_loss(a, b, reduction=reduction, beta=beta),
                                       x, t, reduction, dict(opts, beta=beta), True))
    return cases


def bce_cases():
    cases = []
    # Probabilities at and next to 0 and 1, where log is clamped to -100 and the gradient's
    # denominator to 1e-12; the target's gradient, -logit(x), is infinite there, so it is not asked.
    edges = torch.tensor([[0.0, 0.0, 1.0, 1.0, 1e-30, 0.5], [1e-8, 1.0 - 1e-7, 0.999, 0.25, 1e-45, 0.7]])
    edge_targets = torch.tensor([[0.0, 1.0, 0.0, 1.0, 1.0, 0.5], [0.0, 0.3, 1.0, 0.6, 0.3, 1.0]])
    inner = torch.rand(4, 3) * 0.9 + 0.05
    inner_targets = torch.rand(4, 3)
    weight = torch.rand(3) * 2
    logits = torch.randn(4, 3) * 4
    logits[0] = torch.tensor([-120.0, 0.0, 95.0])
    logit_targets = torch.rand(4, 3)
    pos_weight = torch.tensor([3.0, 0.5, 1.0])
    for reduction in REDUCTIONS:
        cases.append(run_loss("binary_cross_entropy", lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction),
                               edges, edge_targets, reduction, {"tag": "0 and 1"}, False))
        cases.append(run_loss("binary_cross_entropy", lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction),
                               inner, inner_targets, reduction, {"tag": "inner"}, True))
        cases.append(run_loss("binary_cross_entropy",
                               lambda a, b: F.binary_cross_entropy(a, b, weight=weight, reduction=reduction),
                               inner, inner_targets, reduction, {"tag": "weight", "weight": values(weight)}, True))
        for opts in [{"pos_weight": pos_weight}, {"weight": weight}, {"weight": weight, "pos_weight": pos_weight}]:
            cases.append(run_loss(
                "bce_with_logits",
                lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction, **opts),
                logits, logit_targets, reduction, {k: values(v) for k, v in opts.items()}, True))
    return cases


def kl_div_cases():
    cases = []
    log_probs = F.log_softmax(torch.randn(4, 5), dim=1)
    probs = F.softmax(torch.randn(4, 5) * 2, dim=1)
    with_zeros = probs.clone()
    with_zeros[0, 1] = 0.0
    with_zeros[2, 3] = 0.0
    log_target = F.log_softmax(torch.randn(4, 5) * 2, dim=1)
    for reduction in REDUCTIONS + ["batchmean"]:
        cases.append(run_loss("kl_div", lambda a, b: F.kl_div(a, b, reduction=reduction), log_probs, probs,
                               reduction, {"log_target": False, "tag": "probabilities"}, True))
        cases.append(run_loss("kl_div", lambda a, b: F.kl_div(a, b, reduction=reduction), log_probs, with_zeros,
                               reduction, {"log_target": False, "tag": "zeros in the target"}, False))
        cases.append(run_loss("kl_div", lambda a, b: F.kl_div(a, b, reduction=reduction, log_target=True),
                               log_probs, log_target, reduction, {"log_target": True, "tag": "log target"}, True))
    return cases


def class_weight_cases():
    cases = []
    logits = torch.randn(6, 4) * 2
    labels = torch.tensor([0, 3, 1, 1, 2, 3])
    ignored = torch.tensor([0, -100, 1, 1, -100, 3])
    weight = torch.tensor([0.5, 2.0, 1.5, 0.25])
    for reduction in REDUCTIONS:
        for smoothing in [0.0, 0.2]:
            for y, tag in [(labels, "plain"), (ignored, "ignored")]:
                cases.append(run_loss(
                    "cross_entropy",
                    lambda a, b: F.cross_entropy(a, b, weight=weight, reduction=reduction, label_smoothing=smoothing),
                    logits, y, reduction, {"tag": tag, "weight": values(weight), "label_smoothing": smoothing},
                    False))
        log_probs = F.log_softmax(logits, dim=1)
        for y, tag in [(labels, "plain"), (ignored, "ignored")]:
            cases.append(run_loss("nll_loss", lambda a, b: F.nll_loss(a, b, weight=weight, reduction=reduction),
                                   log_probs, y, reduction, {"tag": tag, "weight": values(weight)}, False))
    return cases


def layer_cases():
    cases = []
    general = torch.randn(3, 4) * 3
    # Kinks and thresholds: 0, a tiny negative, large values on both sides, and softplus's threshold
    # (beta x = 20 exactly is below it, 20.5 above).
    edges = torch.tensor([[0.0, -1e-8, -1e-3, 1e-3, 20.0, 20.5], [25.0, -30.0, -100.0, 100.0, 9.5, 10.5]])
    cube = torch.randn(2, 3, 4)
    layers = [
        ("softmax", {"dim": 1}, torch.nn.Softmax(dim=1), [general, edges]),
        ("softmax", {"dim": 0}, torch.nn.Softmax(dim=0), [general]),
        ("softmax", {"dim": 1}, torch.nn.Softmax(dim=1), [cube]),
        ("log_softmax", {"dim": 1}, torch.nn.LogSoftmax(dim=1), [general, edges]),
        ("log_softmax", {"dim": -1}, torch.nn.LogSoftmax(dim=-1), [cube]),
        ("log_softmax", {"dim": 0}, torch.nn.LogSoftmax(dim=0), [cube]),
        ("elu", {"alpha": 1.0}, torch.nn.ELU(), [general, edges, cube]),
        ("elu", {"alpha": 0.5}, torch.nn.ELU(alpha=0.5), [general, edges]),
        ("silu", {}, torch.nn.SiLU(), [general, edges, cube]),
        ("softplus", {"beta": 1.0, "threshold": 20.0}, torch.nn.Softplus(), [general, edges, cube]),
        ("softplus", {"beta": 2.0, "threshold": 10.0}, torch.nn.Softplus(beta=2.0, threshold=10.0), [general, edges]),
        ("identity", {}, torch.nn.Identity(), [general]),
    ]
    for name, options, layer, inputs in layers:
        for x in inputs:
            leaf = x.clone().requires_grad_(True)
            y = layer(leaf)
            grad_output = torch.randn(y.shape)
            (y * grad_output).sum().backward()
            cases.append({"name": name, "options": options, "input": values(leaf), "grad_output": values(grad_output),
                          "output": values(y), "grad_input": values(leaf.grad)})
    return cases


def main():
    reference = {
        "torch_version": torch.__version__,
        "losses": regression_cases() + bce_cases() + kl_div_cases() + class_weight_cases(),
        "layers": layer_cases(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_losses.json")
    with open(path, "w") as out:
        json.dump(reference, out, indent=None, separators=(",", ":"), allow_nan=False)
        out.write("\n")
    print("wrote", path, len(reference["losses"]), "loss cases,", len(reference["layers"]), "layer cases")


if __name__ == "__main__":
    main()
