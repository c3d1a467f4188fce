"""Facts about Debian's Fashion-MNIST files, read independently of xgrad (gzip + struct), for
tests/test_mnist.cpp. Run with /usr/bin/python3 (it needs torch for the scaled pixels); writes
fashion_mnist.json beside this script.

    /usr/bin/python3 tests/reference/fashion_mnist.py
"""
import gzip
import json
import os
import struct

import torch

DIR = "/usr/share/datasets/fashion-mnist"
HERE = os.path.dirname(os.path.abspath(__file__))


def read(name, magic, ndims):
    with gzip.open(os.path.join(DIR, name), "rb") as f:
        data = f.read()
    got_magic, = struct.unpack(">I", data[:4])
    assert got_magic == magic, hex(got_magic)
    dims = struct.unpack(">" + "I" * ndims, data[4:4 + 4 * ndims])
    body = data[4 + 4 * ndims:]
    count = 1
    for d in dims:
        count *= d
    assert len(body) == count
    return dims, body


def split_facts(prefix):
    (n, rows, cols), images = read(prefix + "-images-idx3-ubyte.gz", 0x803, 3)
    (n_labels,), labels = read(prefix + "-labels-idx1-ubyte.gz", 0x801, 1)
    assert n == n_labels
    pixels = rows * cols
    first = images[:pixels]
    last = images[(n - 1) * pixels:]
    return {
        "count": n,
        "rows": rows,
        "columns": cols,
        "first_labels": list(labels[:5]),
        "last_label": labels[-1],
        "class_counts": [labels.count(c) for c in range(10)],
        "first_image_byte_sum": sum(first),
        "last_image_byte_sum": sum(last),
        "all_bytes_sum": sum(images),
        # What torchvision's ToTensor computes: uint8 -> float32, divided by 255.
        "first_image_scaled": torch.tensor(list(first), dtype=torch.uint8).float().div(255).tolist(),
    }


facts = {"train": split_facts("train"), "test": split_facts("t10k")}
with open(os.path.join(HERE, "fashion_mnist.json"), "w") as out:
    json.dump(facts, out)
print({k: {kk: v for kk, v in s.items() if kk != "first_image_scaled"} for k, s in facts.items()})
