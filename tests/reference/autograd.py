#!/usr/bin/python3
"""Golden values for tests/test_autograd_reference.cpp, computed by PyTorch.

Run with Debian's /usr/bin/python3 (python3-torch 1.13):
    /usr/bin/python3 tests/reference/autograd.py
It writes tests/reference/autograd.json: for each case, the float32 inputs (so the C++ test needs no
random generator of PyTorch's), the gradient fed to backward(), the output values and the gradient
of every input that requires grad. Each case's expression is written again, op for op, in the C++ test.
"""

import json
import os

import torch

torch.manual_seed(20240613)
torch.set_num_threads(1)


def randn(*shape):
    return torch.randn(*shape, dtype=torch.float32)


def uniform(low, high, *shape):
    return torch.rand(*shape, dtype=torch.float32) * (high - low) + low


def one_hot(labels, classes):
    out = torch.zeros(len(labels), classes)
    out[torch.arange(len(labels)), torch.tensor(labels)] = 1.0
    return out


F = torch.nn.functional

# name -> (inputs {name: (tensor, requires_grad)}, function of those inputs by name)
CASES = {
    # An MLP's forward and loss: matmul + bias + gelu, matmul + bias, log_softmax, a one-hot pick, mean.
    "mlp_gelu_log_softmax_mean": (
        {
            "x": (randn(4, 5), True),
            "w1": (randn(5, 8) * 0.5, True),
            "b1": (randn(8) * 0.1, True),
            "w2": (randn(8, 3) * 0.5, True),
            "b2": (randn(3) * 0.1, True),
            "target": (one_hot([0, 2, 1, 2], 3), False),
        },
        lambda t: -(F.log_softmax(F.gelu(t["x"] @ t["w1"] + t["b1"]) @ t["w2"] + t["b2"], dim=-1) * t["target"]).mean(),
    ),
    # relu and leaky_relu hidden layers over a batch of matrices [b, m, k] x [k, n].
    "batched_matmul_relu_softmax": (
        {"a": (randn(2, 3, 4), True), "w": (randn(4, 5), True), "bias": (randn(5), True)},
        lambda t: F.softmax(F.leaky_relu(torch.relu(t["a"] @ t["w"] + t["bias"]) - 0.5, 0.01), dim=1),
    ),
    "tanh_sigmoid_chain": (
        {"x": (randn(3, 4), True)},
        lambda t: (torch.sigmoid(torch.tanh(t["x"]) * 3 - 1) * torch.tanh(torch.sigmoid(t["x"]) * 2 + t["x"])).sum(),
    ),
    # Logits of +-1e4: the stable shift keeps everything finite.
    "softmax_huge_logits": (
        {"x": (torch.tensor([[1e4, -1e4, 0.0, 9999.0], [-1e4, -1e4, -1e4, -9999.5], [3.0, 1e4, 1e4, -2.0]]), True)},
        lambda t: F.softmax(t["x"], dim=1),
    ),
    "log_softmax_huge_logits_axis0": (
        {"x": (torch.tensor([[1e4, -1e4, 0.0], [-1e4, -1e4, 1.0], [9999.0, 1e4, -1e4]]), True)},
        lambda t: F.log_softmax(t["x"], dim=0),
    ),
    # Division and broadcasting: [3, 4] by [4], [3, 1], a scalar on either side.
    "division_broadcast_mix": (
        {"a": (randn(3, 4), True), "b": (uniform(0.5, 2.0, 4), True), "c": (uniform(-1.0, 1.0, 3, 1), True)},
        lambda t: (t["a"] / t["b"] - t["c"]) / (2 - t["c"]) + 3 / t["b"] * t["a"] - t["a"] / 4 + t["c"] * t["b"],
    ),
    # max along each axis, with ties (first index wins) and a whole-tensor max with a tie (shared).
    "max_with_ties": (
        {
            "x": (torch.tensor([[1.0, 3.0, 3.0, -1.0], [2.0, 0.5, 2.0, 2.0], [-4.0, 5.0, 0.0, 5.0]]), True),
            "w": (randn(3), False),
        },
        lambda t: (torch.max(t["x"], dim=1).values * t["w"]).sum()
        + torch.max(t["x"], dim=0, keepdim=True).values.sum() * 0.5
        + torch.max(t["x"]) * 2,
    ),
    # Reductions with and without keepdim, broadcast back against each other.
    "reductions_keepdim": (
        {"x": (randn(2, 3, 4), True)},
        lambda t: (t["x"].mean(dim=1, keepdim=True) * t["x"].sum(dim=-1, keepdim=True) - t["x"].sum(dim=0)).mean(dim=0),
    ),
    # Every elementwise function of positive inputs, with kinks and clamps away from their corners.
    "elementwise_mix": (
        {"x": (uniform(0.5, 2.0, 2, 3), True)},
        lambda t: (
            torch.sqrt(t["x"]) * torch.log(t["x"])
            + torch.pow(t["x"], 1.5)
            - torch.exp(-t["x"])
            + torch.abs(t["x"] - 1.05)
            + torch.clamp(t["x"], 0.8, 1.5)
            + torch.relu(t["x"] - 1.1)
            + F.leaky_relu(t["x"] - 1.25, 0.05)
            + torch.pow(t["x"], -2.0)
            + torch.pow(t["x"], 3.0)
        ).sum(),
    ),
    # Shape ops: reshape, transpose, index_select with repeated rows.
    "shape_ops": (
        {"x": (randn(2, 3, 4), True)},
        lambda t: torch.index_select(torch.tanh(t["x"]).reshape(6, 4), 0, torch.tensor([5, 0, 5, 2])).t() * 2,
    ),
    # A deep-ish chain: 40 residual layers y + 0.1 tanh(1.3 y + 0.2) - 0.05 y sigmoid(y), whose gradient
    # neither vanishes nor explodes, so that all 40 layers are felt.
    "deep_chain": (
        {"x": (randn(6), True)},
        lambda t: deep_chain(t["x"]),
    ),
}


def deep_chain(x):
    y = x
    for _ in range(40):
        y = y + torch.tanh(y * 1.3 + 0.2) * 0.1 - y * torch.sigmoid(y) * 0.05
    return y.sum()


def flat(tensor):
    return [float(v) for v in tensor.detach().reshape(-1).tolist()]


def described(tensor):
    return {"shape": list(tensor.shape), "values": flat(tensor)}


def main():
    cases = []
    for name, (inputs, function) in CASES.items():
        leaves = {key: value.clone().requires_grad_(needs_grad) for key, (value, needs_grad) in inputs.items()}
        output = function(leaves)
        grad_output = torch.ones_like(output) if output.numel() == 1 else randn(*output.shape)
        output.backward(grad_output)
        cases.append(
            {
                "name": name,
                "inputs": [
                    dict(name=key, requires_grad=leaf.requires_grad, **described(leaf)) for key, leaf in leaves.items()
                ],
                "output": described(output),
                "grad_output": described(grad_output),
                "grads": {key: described(leaf.grad) for key, leaf in leaves.items() if leaf.requires_grad},
            }
        )
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "autograd.json")
    with open(path, "w") as out:
        json.dump({"generated_by": "tests/reference/autograd.py, torch " + torch.__version__, "cases": cases}, out, indent=1)
        out.write("\n")
    print("wrote", path, len(cases), "cases")


if __name__ == "__main__":
    main()
