#!/usr/bin/python3
"""One OpenBLAS configuration as this process's environment leaves it: which kernel it runs,
what it computes and how fast.

`pnpm bench` runs this once with the environment as given and once with OPENBLAS_CORETYPE /
OPENBLAS_L2_SIZE removed (in this child process only), checks that both compute the same
numbers within fp32 tolerance, and runs the PyTorch reference on the faster one. Prints ONE
JSON line: {"env": ..., "gflops": {"1": ...}, "size": n, "check": {"matmul": [...],
"losses": [...], "logits": [...]}}.

    /usr/bin/python3 bench/openblas_probe.py artifacts/data/embedded --threads 1,2
"""

import argparse
import json
import sys

import torch
from torch import nn

from matmul_peak import gflops, thread_counts
from pytorch_reference import BenchError, build_model, load_split
from torch_env import blas_info, set_threads

CHECK_SEED = 1
CHECK_BATCH = 200
CHECK_STEPS = 10


def fixed_matmul():
    """A fixed-seed product of the MLP's first-layer shape (batch 200 × 784 · 784 × 200)."""
    generator = torch.Generator().manual_seed(CHECK_SEED)
    a = torch.randn(CHECK_BATCH, 784, generator=generator)
    b = torch.randn(784, 200, generator=generator)
    return torch.mm(a, b).flatten().tolist()


def fixed_training(data_dir):
    """The reference's Adam 1e-3 at batch 200 for a few steps on the first training images,
    in order: the loss of each step and the logits of the first 200 test images after them.
    Forward and backward run every product the timed training runs, transposed ones included."""
    train_x, train_y = load_split(data_dir, "train_images", "train_labels")
    test_x, _ = load_split(data_dir, "test_images", "test_labels")
    if train_x.shape[0] < CHECK_BATCH * CHECK_STEPS or test_x.shape[0] < CHECK_BATCH:
        raise BenchError(f"{data_dir}: too few images for the kernel check")
    model = build_model(False, CHECK_SEED)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for step in range(CHECK_STEPS):
        xb = train_x[step * CHECK_BATCH:(step + 1) * CHECK_BATCH]
        yb = train_y[step * CHECK_BATCH:(step + 1) * CHECK_BATCH]
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    with torch.inference_mode():
        logits = model(test_x[:CHECK_BATCH]).flatten().tolist()
    return losses, logits


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("data_dir", help="folder with the four IDX files (e.g. artifacts/data/embedded)")
    parser.add_argument("--threads", default="1", help="thread counts to time, comma-separated")
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--min-seconds", type=float, default=0.2, help="length of one timing")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    counts = thread_counts(parser, args.threads)
    # One thread: the check's numbers do not depend on how the work is split.
    set_threads(1)
    matmul = fixed_matmul()
    losses, logits = fixed_training(args.data_dir)
    result = {str(t): gflops(args.size, t, args.min_seconds, args.repeats) for t in counts}
    print(json.dumps({
        "env": blas_info(),
        "gflops": result,
        "size": args.size,
        "check": {"matmul": matmul, "losses": losses, "logits": logits},
    }))


if __name__ == "__main__":
    try:
        main()
    except BenchError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
