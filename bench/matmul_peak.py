#!/usr/bin/python3
"""The machine's fp32 matmul peak: the ceiling every system in `pnpm bench` is compared with.

Times square fp32 products (torch.mm, which calls the loaded BLAS: OpenBLAS here) at each
thread count and prints ONE JSON line: {"gflops": {"1": ..., "2": ...}, "size": n, "env": ...}.
A training sample of the MLP costs 879,200 FLOPs and an inference 397,600, so a system's
fraction of the peak is samples/s × FLOPs per sample / (GFLOP/s × 1e9). Which OpenBLAS kernel
runs depends on the environment (OPENBLAS_CORETYPE); `pnpm bench` chooses it before this runs.

    /usr/bin/python3 bench/matmul_peak.py --threads 1,2
"""

import argparse
import json
import time

import torch

from torch_env import blas_info, set_threads


def gflops(size, threads, min_seconds, repeats):
    """Best of `repeats` timings, each of as many products as fill `min_seconds`."""
    set_threads(threads)
    a = torch.randn(size, size)
    b = torch.randn(size, size)
    out = torch.empty(size, size)
    for _ in range(3):
        torch.mm(a, b, out=out)
    best = 0.0
    for _ in range(repeats):
        count = 0
        start = time.perf_counter()
        while True:
            torch.mm(a, b, out=out)
            count += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        best = max(best, 2 * size ** 3 * count / elapsed / 1e9)
    return best


def thread_counts(parser, text):
    """`1,2` → [1, 2]; anything else is a usage error naming --threads."""
    try:
        counts = [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        parser.error(f"--threads: give positive thread counts, e.g. 1,2 (got '{text}')")
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--threads", default="1,2", help="thread counts, comma-separated")
    parser.add_argument("--min-seconds", type=float, default=0.2, help="length of one timing")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    counts = thread_counts(parser, args.threads)
    result = {str(t): gflops(args.size, t, args.min_seconds, args.repeats) for t in counts}
    print(json.dumps({"gflops": result, "size": args.size, "dtype": "float32", "env": blas_info()}))


if __name__ == "__main__":
    main()
