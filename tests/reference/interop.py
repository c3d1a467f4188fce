#!/usr/bin/python3
"""The independent side of tests/test_interop_torch.cpp: PyTorch (Debian's python3-torch 1.13) reads and
writes safetensors files through the short reader and writer below, written from the format's description
(torch 1.13 has no safetensors, and Debian has no python3-safetensors).

Run from the repository root:  /usr/bin/python3 tests/reference/interop.py
1. torch -> xgrad: builds torch's nn.Sequential for xgrad's MLP({12, 16, 8, 4}, ReLU, norm batch), trains it
   a few SGD steps, and writes tests/data/torch_mlp.safetensors (num_batches_tracked as I64, as torch keeps
   it) and, in tests/data/interop_torch.json, fixed inputs with torch's outputs in evaluation mode.
2. xgrad -> torch: reads tests/data/xgrad_mlp.safetensors (written by xgrad: tests/data/make_interop_files.cpp),
   loads it with load_state_dict(strict=True) and records torch's outputs on the same inputs.
The C++ test holds xgrad's outputs against both to 1e-5 relative.

  --train-fashion-mnist OUT.safetensors [EPOCHS]   trains the example's default MLP (784-256-128-10,
      BatchNorm1d, ReLU) in torch on Fashion-MNIST and writes it: the README's torch -> xgrad round trip.
  --evaluate FILE.safetensors   loads an xgrad-written model of that shape strictly and prints torch's
      test accuracy on Fashion-MNIST: the README's xgrad -> torch round trip.
"""
import gzip
import json
import os
import struct
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests", "data")
FASHION = "/usr/share/datasets/fashion-mnist"

# ---- safetensors, from the format's description ----------------------------------------------------
# 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets}, "__metadata__":
# {str: str}}, then the tensors' bytes, little-endian, row-major; offsets count from the end of the header.
DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
          "BOOL": torch.bool}
NAMES = {dtype: name for name, dtype in DTYPES.items()}


def write_safetensors(path, tensors, metadata=None):
    """Entries sorted by name, packed back to back; the header padded with spaces to a multiple of 8."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        data = t.numpy().tobytes() if t.dtype != torch.bfloat16 else t.view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def read_safetensors(path):
    """Every tensor and the metadata; refuses a file whose offsets do not cover its data exactly."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", {})
    tensors, end = {}, 0
    for name, info in sorted(header.items(), key=lambda item: item[1]["data_offsets"]):
        begin, stop = info["data_offsets"]
        assert begin == end, f"{name}: offsets not contiguous"
        dtype = DTYPES[info["dtype"]]
        raw = bytearray(data[begin:stop])
        t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"]).clone()
        end = stop
    assert end == len(data), "the offsets do not cover the data"
    return tensors, metadata


# ---- the model ------------------------------------------------------------------------------------
def mlp(sizes):
    """xgrad's MLP(sizes, ReLU, dropout 0, Norm::Batch): Linear, BatchNorm1d, ReLU per hidden layer."""
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers += [torch.nn.BatchNorm1d(sizes[i + 1]), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers)


def values(t):
    return t.detach().to(torch.float32).tolist()


def small_round_trips():
    torch.manual_seed(20261207)
    sizes = [12, 16, 8, 4]
    inputs = torch.randn(6, sizes[0]) * 2.0 + 0.5

    # torch -> xgrad: a few SGD steps in training mode, so that the running statistics move.
    net = mlp(sizes)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    for step in range(3):
        x = torch.randn(10, sizes[0]) * (1.0 + step) + 0.3 * step
        labels = torch.randint(0, sizes[-1], (10,))
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(net(x), labels).backward()
        optimizer.step()
    net.eval()
    write_safetensors(os.path.join(DATA, "torch_mlp.safetensors"), net.state_dict(), {"format": "pt"})
    with torch.no_grad():
        torch_outputs = net(inputs)

    # xgrad -> torch: strict, as a user would.
    tensors, metadata = read_safetensors(os.path.join(DATA, "xgrad_mlp.safetensors"))
    assert tensors["1.num_batches_tracked"].dtype == torch.int64, "num_batches_tracked must be I64"
    assert metadata.get("format") == "pt"
    other = mlp(sizes)
    other.load_state_dict(tensors, strict=True)
    other.eval()
    with torch.no_grad():
        xgrad_file_outputs = other(inputs)

    result = {"sizes": sizes, "inputs": values(inputs),
              "torch_mlp": {"num_batches_tracked": int(net[1].num_batches_tracked), "outputs": values(torch_outputs)},
              "xgrad_mlp": {"num_batches_tracked": int(tensors["1.num_batches_tracked"]),
                            "outputs": values(xgrad_file_outputs)}}
    with open(os.path.join(DATA, "interop_torch.json"), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print("wrote tests/data/torch_mlp.safetensors and tests/data/interop_torch.json")


# ---- Fashion-MNIST round trips (the README's commands) -----------------------------------------------
def fashion_mnist(split):
    """Images as the example reads them (pixels / 255, flattened) and labels, from the IDX files."""
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(os.path.join(FASHION, f"{prefix}-images-idx3-ubyte.gz"), "rb") as f:
        images = torch.frombuffer(bytearray(f.read()[16:]), dtype=torch.uint8).reshape(-1, 784).float() / 255.0
    with gzip.open(os.path.join(FASHION, f"{prefix}-labels-idx1-ubyte.gz"), "rb") as f:
        labels = torch.frombuffer(bytearray(f.read()[8:]), dtype=torch.uint8).long()
    return images, labels


def accuracy(net, images, labels):
    net.eval()
    with torch.no_grad():
        return (net(images).argmax(1) == labels).float().mean().item()


def train_fashion_mnist(path, epochs):
    torch.manual_seed(0)
    images, labels = fashion_mnist("train")
    test_images, test_labels = fashion_mnist("test")
    net = mlp([784, 256, 128, 10])
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    for epoch in range(epochs):
        net.train()
        order = torch.randperm(len(images))
        for start in range(0, len(images), 128):
            batch = order[start:start + 128]
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(net(images[batch]), labels[batch]).backward()
            optimizer.step()
        print(f"torch epoch {epoch + 1}/{epochs}: test accuracy {accuracy(net, test_images, test_labels):.4f}")
    write_safetensors(path, net.state_dict(), {"format": "pt"})
    print(f"wrote {path}")


def evaluate(path):
    tensors, _ = read_safetensors(path)
    net = mlp([784, 256, 128, 10])
    net.load_state_dict(tensors, strict=True)
    test_images, test_labels = fashion_mnist("test")
    print(f"torch, strict load of {path}: test accuracy {accuracy(net, test_images, test_labels):.4f}")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--train-fashion-mnist":
        train_fashion_mnist(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 2)
    elif len(sys.argv) == 3 and sys.argv[1] == "--evaluate":
        evaluate(sys.argv[2])
    else:
        small_round_trips()
