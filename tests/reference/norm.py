#!/usr/bin/python3
"""Golden values for tests/test_nn_norm.cpp from PyTorch (Debian's python3-torch 1.13).

Run from the repository root:  /usr/bin/python3 tests/reference/norm.py
It writes tests/reference/norm.json: every input and PyTorch's outputs, gradients and running
statistics, all float32 values written exactly.

A BatchNorm1d case runs several training steps, each on its own batch, and then evaluation steps;
every step is differentiated through sum(output * grad_output) with the gradients cleared first, and
records the buffers after it. The weight and bias are set away from their ones and zeros.
"""

import torch
from reference_json import write_beside_scripts  # tests/reference/reference_json.py

torch.manual_seed(20261201)


def values(t):
    return t.detach().to(torch.float32).tolist()


def batch_norm_case(name, shape, momentum=0.1, affine=True, track=True, train_steps=3, eval_steps=2):
    channels = shape[1]
    layer = torch.nn.BatchNorm1d(channels, momentum=momentum, affine=affine, track_running_stats=track)
    if affine:
        with torch.no_grad():
            layer.weight.copy_(1.0 + 0.5 * torch.randn(channels))
            layer.bias.copy_(0.5 * torch.randn(channels))
    case = {"name": name, "num_features": channels, "momentum": momentum, "affine": affine,
            "track_running_stats": track, "steps": []}
    if affine:
        case["weight"] = values(layer.weight)
        case["bias"] = values(layer.bias)
    for step in range(train_steps + eval_steps):
        training = step < train_steps
        layer.train(training)
        # Batches with means and scales of their own, so that the running statistics move.
        x = (torch.randn(*shape) * (1.0 + step) + 0.5 * step).requires_grad_(True)
        grad_output = torch.randn(*shape)
        layer.zero_grad(set_to_none=True)
        y = layer(x)
        (y * grad_output).sum().backward()
        record = {"training": training, "input": values(x), "grad_output": values(grad_output),
                  "output": values(y), "grad_input": values(x.grad)}
        if affine:
            record["grad_weight"] = values(layer.weight.grad)
            record["grad_bias"] = values(layer.bias.grad)
        if track:
            record["running_mean"] = values(layer.running_mean)
            record["running_var"] = values(layer.running_var)
            record["num_batches_tracked"] = int(layer.num_batches_tracked)
        case["steps"].append(record)
    return case


def layer_norm_case(name, shape, normalized_shape, affine=True):
    layer = torch.nn.LayerNorm(normalized_shape, elementwise_affine=affine)
    if affine:
        with torch.no_grad():
            layer.weight.copy_(1.0 + 0.5 * torch.randn(*normalized_shape))
            layer.bias.copy_(0.5 * torch.randn(*normalized_shape))
    x = (torch.randn(*shape) * 2.0 + 1.0).requires_grad_(True)
    grad_output = torch.randn(*shape)
    y = layer(x)
    (y * grad_output).sum().backward()
    case = {"name": name, "normalized_shape": list(normalized_shape), "affine": affine, "input": values(x),
            "grad_output": values(grad_output), "output": values(y), "grad_input": values(x.grad)}
    if affine:
        case.update({"weight": values(layer.weight), "bias": values(layer.bias),
                     "grad_weight": values(layer.weight.grad), "grad_bias": values(layer.bias.grad)})
    return case


def main():
    batch_norm = [
        batch_norm_case("2d", (8, 5)),
        batch_norm_case("3d", (4, 3, 6)),
        batch_norm_case("cumulative_average", (6, 4), momentum=None),
        batch_norm_case("no_affine", (5, 3), affine=False),
        batch_norm_case("no_running_stats", (7, 4), track=False),
        batch_norm_case("wide", (32, 16), train_steps=4, eval_steps=1),
    ]
    layer_norm = [
        layer_norm_case("2d", (6, 8), (8,)),
        layer_norm_case("3d_last", (3, 4, 5), (5,)),
        layer_norm_case("3d_two_dims", (2, 3, 4), (3, 4)),
        layer_norm_case("no_affine", (4, 7), (7,), affine=False),
        layer_norm_case("wide", (16, 64), (64,)),
    ]
    reference = {"torch_version": torch.__version__, "batch_norm": batch_norm, "layer_norm": layer_norm}
    write_beside_scripts("norm.json", reference)


if __name__ == "__main__":
    main()
