"""Writes a reference script's output beside it: compact JSON and a final newline, the form the tests read."""

import json
import os


def write_beside_scripts(name, reference):
    """Writes `reference` to tests/reference/<name> and returns the path."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    with open(path, "w") as out:
        json.dump(reference, out, indent=None, separators=(",", ":"))
        out.write("\n")
    return path
