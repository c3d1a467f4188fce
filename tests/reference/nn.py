#!/usr/bin/python3
"""Golden values for tests/test_nn_*.cpp from PyTorch (Debian's python3-torch 1.13).

Run from the repository root:  /usr/bin/python3 tests/reference/nn.py
It writes tests/reference/nn.json: every input (so the C++ tests need no random numbers of their own)
and PyTorch's outputs and gradients, all float32 values written exactly.

A case with reduction "none" is differentiated through sum(loss * grad_output); the others through
loss itself (d loss / d loss = 1).
"""

import torch
import torch.nn.functional as F
from reference_json import write_beside_scripts  # tests/reference/reference_json.py

torch.manual_seed(20240611)


def values(t):
    return t.detach().to(torch.float32).tolist()


def linear_case():
    x = torch.randn(4, 5, requires_grad=True)
    layer = torch.nn.Linear(5, 3)
    grad_output = torch.randn(4, 3)
    y = F.linear(x, layer.weight, layer.bias)
    (y * grad_output).sum().backward()
    case = {
        "x": values(x), "weight": values(layer.weight), "bias": values(layer.bias),
        "grad_output": values(grad_output), "output": values(y), "grad_x": values(x.grad),
        "grad_weight": values(layer.weight.grad), "grad_bias": values(layer.bias.grad),
    }
    x.grad = None
    weight = layer.weight.detach().clone().requires_grad_(True)
    y = F.linear(x, weight)
    (y * grad_output).sum().backward()
    case.update({"output_no_bias": values(y), "grad_x_no_bias": values(x.grad),
                 "grad_weight_no_bias": values(weight.grad)})
    return case


def run_loss(name, fn, inputs, targets, reduction, extra, differentiate_target):
    """One loss case: fn(inputs, targets) -> loss; gradient for inputs (and targets when float)."""
    x = inputs.clone().requires_grad_(True)
    t = targets.clone()
    if differentiate_target:
        t.requires_grad_(True)
    loss = fn(x, t)
    case = {"name": name, "reduction": reduction, "input": values(x),
            "target": t.tolist() if t.dtype == torch.int64 else values(t)}
    case.update(extra)
    if reduction == "none":
        grad_output = torch.randn(loss.shape)
        (loss * grad_output).sum().backward()
        case["grad_output"] = values(grad_output)
    else:
        loss.backward()
    case["loss"] = values(loss)
    case["grad_input"] = values(x.grad)
    if differentiate_target:
        case["grad_target"] = values(t.grad)
    return case


def loss_cases():
    cases = []
    reductions = ["mean", "sum", "none"]
    logits = torch.randn(6, 5) * 3
    labels = torch.tensor([0, 4, 2, 2, 1, 3])
    huge_logits = torch.randn(4, 3) * 1e4
    huge_labels = torch.tensor([2, 0, 1, 1])
    ignored_labels = torch.tensor([0, -100, 2, 2, -100, 3])
    for reduction in reductions:
        for smoothing in [0.0, 0.1]:
            for inputs, targets, tag in [(logits, labels, "plain"), (huge_logits, huge_labels, "huge")]:
                cases.append(run_loss(
                    "cross_entropy",
                    lambda x, t: F.cross_entropy(x, t, reduction=reduction, label_smoothing=smoothing),
                    inputs, targets, reduction, {"label_smoothing": smoothing, "ignore_index": -100, "tag": tag},
                    False))
            cases.append(run_loss(
                "cross_entropy",
                lambda x, t: F.cross_entropy(x, t, reduction=reduction, label_smoothing=smoothing),
                logits, ignored_labels, reduction,
                {"label_smoothing": smoothing, "ignore_index": -100, "tag": "ignored"}, False))
        cases.append(run_loss(
            "cross_entropy", lambda x, t: F.cross_entropy(x, t, reduction=reduction, ignore_index=2),
            logits, labels, reduction, {"label_smoothing": 0.0, "ignore_index": 2, "tag": "ignore_index 2"}, False))

        log_probs = F.log_softmax(logits, dim=1)
        cases.append(run_loss("nll_loss", lambda x, t: F.nll_loss(x, t, reduction=reduction),
                              log_probs, labels, reduction, {"ignore_index": -100}, False))
        cases.append(run_loss("nll_loss", lambda x, t: F.nll_loss(x, t, reduction=reduction),
                              log_probs, ignored_labels, reduction, {"ignore_index": -100}, False))

        a, b = torch.randn(3, 4), torch.randn(3, 4)
        cases.append(run_loss("mse_loss", lambda x, t: F.mse_loss(x, t, reduction=reduction), a, b, reduction, {},
                              True))
        cases.append(run_loss("l1_loss", lambda x, t: F.l1_loss(x, t, reduction=reduction), a, b, reduction, {},
                              True))

        # Large |x| on both sides, where a naive log(sigmoid(x)) overflows or loses everything.
        x = torch.tensor([[-1e4, -100.0, -30.0, -5.0, -0.5, 0.0],
                          [0.5, 5.0, 30.0, 100.0, 1e4, 2.5]])
        t = torch.tensor([[0.0, 1.0, 0.3, 1.0, 0.0, 0.5],
                          [1.0, 0.0, 1.0, 0.7, 0.0, 1.0]])
        cases.append(run_loss("bce_with_logits",
                              lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction=reduction),
                              x, t, reduction, {}, True))
    return cases


def main():
    reference = {"torch_version": torch.__version__, "linear": linear_case(), "losses": loss_cases()}
    write_beside_scripts("nn.json", reference)


if __name__ == "__main__":
    main()
