#!/usr/bin/python3
"""PyTorch reference for `pnpm bench`: the same MLP on the same IDX files, on the CPU.

Trains (or, with --mode infer, evaluates) the project's MLP 784-200-200-10 with the batch
size, optimizer and data handling the tfjs run uses, and prints ONE JSON line with the
throughput. The data are read with struct/numpy and kept as tensors in memory (no
DataLoader), so the figure is the model's speed, not Python's input pipeline.

With --threads 1,2 one process measures at each thread count in turn (a fresh model and
optimizer each time), which saves starting Python and torch once per count.

    /usr/bin/python3 bench/pytorch_reference.py artifacts/data/embedded --batch-size 200
    /usr/bin/python3 bench/pytorch_reference.py artifacts/data/embedded --mode infer --threads 1,2
"""

import argparse
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

from matmul_peak import gflops, thread_counts
from torch_env import blas_info, set_threads

MNIST_MEAN = 0.1307
MNIST_STD = 0.3081
SIDE = 28
PIXELS = SIDE * SIDE
CLASSES = 10

IDX_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


class BenchError(Exception):
    """A problem with the command line or the data, reported as one line."""


def read_idx(path, expected_dims):
    """Reads an uncompressed IDX file of unsigned bytes; returns (dims, uint8 array)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError as error:
        raise BenchError(f"{path}: no such file (run pnpm data first)") from error
    if len(data) < 4:
        raise BenchError(f"{path}: too short for an IDX header")
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08 or ndim != expected_dims:
        raise BenchError(f"{path}: not an IDX file of {expected_dims}-D unsigned bytes")
    dims = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != math.prod(dims):
        raise BenchError(f"{path}: header says {math.prod(dims)} bytes of data, file has {body.size}")
    return dims, body


def load_split(data_dir, images_key, labels_key):
    """Images normalised as the tfjs trainer does ((x/255 − mean)/std) and int64 labels."""
    dims, images = read_idx(os.path.join(data_dir, IDX_FILES[images_key]), 3)
    if dims[1:] != (SIDE, SIDE):
        raise BenchError(f"{data_dir}: images are {dims[1]}×{dims[2]}, expected 28×28")
    _, labels = read_idx(os.path.join(data_dir, IDX_FILES[labels_key]), 1)
    if labels.size != dims[0]:
        raise BenchError(f"{data_dir}: {labels.size} labels for {dims[0]} images")
    x = (images.reshape(dims[0], PIXELS).astype(np.float32) / 255.0 - MNIST_MEAN) / MNIST_STD
    return torch.from_numpy(x), torch.from_numpy(labels.astype(np.int64))


def build_model(final_relu, seed):
    """784-200-200-10 with ReLU, Kaiming-normal (fan-in) weights and zero biases."""
    torch.manual_seed(seed)
    layers = [nn.Linear(PIXELS, 200), nn.ReLU(), nn.Linear(200, 200), nn.ReLU(), nn.Linear(200, CLASSES)]
    if final_relu:
        layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    return model


def build_optimizer(args, params):
    betas = (args.beta1, args.beta2)
    if args.optimizer == "sgd":
        return torch.optim.SGD(params, lr=args.lr)
    if args.optimizer == "momentum":
        return torch.optim.SGD(params, lr=args.lr, momentum=args.beta1)
    if args.optimizer == "adam":
        return torch.optim.Adam(params, lr=args.lr, betas=betas, eps=args.epsilon)
    return torch.optim.AdamW(params, lr=args.lr, betas=betas, eps=args.epsilon,
                             weight_decay=args.weight_decay)


def one_cycle_lr(peak, progress):
    """Cosine rise over the first 30% to the peak, cosine fall after (OneCycleLR's defaults,
    as packages/train/src/schedule.ts: from peak/25 to peak/25/1e4)."""
    progress = min(max(progress, 0.0), 1.0)
    start, end = peak / 25.0, peak / 25.0 / 1e4
    if progress < 0.3:
        return start + (peak - start) * (1 - math.cos(math.pi * progress / 0.3)) / 2
    return end + (peak - end) * (1 + math.cos(math.pi * (progress - 0.3) / 0.7)) / 2


def shift_batch(x, max_shift, generator):
    """Translates each image by its own random (dx, dy) in [−max_shift, max_shift], zero fill."""
    n = x.shape[0]
    background = -MNIST_MEAN / MNIST_STD
    padded = torch.nn.functional.pad(x.view(n, SIDE, SIDE), (max_shift,) * 4, value=background)
    offsets = torch.randint(0, 2 * max_shift + 1, (2, n), generator=generator)
    base = torch.arange(SIDE)
    rows = (base[None, :] + offsets[0][:, None])[:, :, None]
    cols = (base[None, :] + offsets[1][:, None])[:, None, :]
    return padded[torch.arange(n)[:, None, None], rows, cols].reshape(n, PIXELS)


def accuracy(model, x, y):
    with torch.inference_mode():
        return (model(x).argmax(1) == y).float().mean().item()


def train(args, train_x, train_y, test_x, test_y):
    model = build_model(args.final_relu, args.seed)
    optimizer = build_optimizer(args, model.parameters())
    generator = torch.Generator().manual_seed(args.seed)
    n = train_x.shape[0]
    batch = args.batch_size
    # As packages/train's loop: every sample once per epoch, the last batch possibly smaller.
    steps_per_epoch = math.ceil(n / batch)
    planned_steps = args.warmup_steps + args.epochs * steps_per_epoch
    state = {"step": 0}

    def step(xb, yb):
        if args.schedule == "one-cycle":
            for group in optimizer.param_groups:
                group["lr"] = one_cycle_lr(args.lr, state["step"] / planned_steps)
        if args.max_shift > 0:
            xb = shift_batch(xb, args.max_shift, generator)
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(xb), yb, label_smoothing=args.label_smoothing)
        loss.backward()
        optimizer.step()
        state["step"] += 1
        return loss

    def epoch_batches():
        order = torch.randperm(n, generator=generator)
        for s in range(steps_per_epoch):
            idx = order[s * batch:(s + 1) * batch]
            yield train_x[idx], train_y[idx]

    warmed = 0
    while warmed < args.warmup_steps:
        for xb, yb in epoch_batches():
            step(xb, yb)
            warmed += 1
            if warmed >= args.warmup_steps:
                break

    epochs = 0
    steps = 0
    samples = 0
    losses = []
    start = time.perf_counter()
    while epochs < args.epochs or time.perf_counter() - start < args.min_seconds:
        total = torch.zeros(())
        for xb, yb in epoch_batches():
            total += step(xb, yb).detach() * xb.shape[0]
            steps += 1
            samples += xb.shape[0]
        losses.append(total.item() / n)
        epochs += 1
    seconds = time.perf_counter() - start
    return {
        "mode": "train",
        "samplesPerSecond": samples / seconds,
        "seconds": seconds,
        "epochs": epochs,
        "steps": steps,
        "samples": samples,
        "warmupSteps": args.warmup_steps,
        "lossFirstEpoch": losses[0],
        "lossLastEpoch": losses[-1],
        "testAccuracy": accuracy(model, test_x, test_y),
    }


def infer(args, test_x):
    model = build_model(args.final_relu, args.seed).eval()
    n = test_x.shape[0]
    results = []
    for size in args.infer_batches:
        batch = n if size == "all" else int(size)
        chunks = [test_x[i:i + batch] for i in range(0, n, batch)]
        with torch.inference_mode():
            for _ in range(args.warmup_passes):
                for chunk in chunks:
                    model(chunk)
            passes = 0
            start = time.perf_counter()
            while passes < 1 or time.perf_counter() - start < args.min_seconds:
                for chunk in chunks:
                    model(chunk).argmax(1)
                passes += 1
            seconds = time.perf_counter() - start
        results.append({
            "batchSize": size if size == "all" else batch,
            "imagesPerSecond": passes * n / seconds,
            "passes": passes,
            "seconds": seconds,
        })
    return {"mode": "infer", "images": n, "batches": results}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", help="folder with the four IDX files (e.g. artifacts/data/embedded)")
    parser.add_argument("--mode", choices=["train", "infer"], default="train")
    parser.add_argument("--threads", default="1",
                        help="torch and OpenBLAS thread counts, comma-separated, measured in turn "
                             "(tfjs wasm in Node has 1)")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--optimizer", choices=["sgd", "momentum", "adam", "adamw"], default="adam")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--beta1", type=float, default=0.9, help="momentum, or Adam's β1")
    parser.add_argument("--beta2", type=float, default=0.999)
    parser.add_argument("--epsilon", type=float, default=1e-8)
    parser.add_argument("--weight-decay", type=float, default=0.0, help="decoupled, adamw only")
    parser.add_argument("--label-smoothing", type=float, default=0.0)
    parser.add_argument("--schedule", choices=["constant", "one-cycle"], default="constant")
    parser.add_argument("--max-shift", type=int, default=0, help="random translation of ±N pixels per image")
    parser.add_argument("--final-relu", action="store_true", help="ReLU on the logits (the seed recipe)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs (at least)")
    parser.add_argument("--min-seconds", type=float, default=0.0,
                        help="keep timing whole epochs/passes until this long")
    parser.add_argument("--warmup-steps", type=int, default=20)
    parser.add_argument("--warmup-passes", type=int, default=3, help="inference: untimed passes first")
    parser.add_argument("--infer-batches", default="200,all",
                        help="inference batch sizes, comma-separated ('all' = the whole test set)")
    parser.add_argument("--peak-seconds", type=float, default=0.0,
                        help="afterwards, time 1024² fp32 products this long at --threads (0: not at all)")
    args = parser.parse_args(argv)
    args.infer_batches = [s.strip() for s in args.infer_batches.split(",") if s.strip()]
    for size in args.infer_batches:
        if size != "all" and (not size.isdigit() or int(size) < 1):
            parser.error(f"--infer-batches: '{size}' is not a positive integer or 'all'")
    args.threads = thread_counts(parser, args.threads)
    if args.peak_seconds < 0:
        parser.error("--peak-seconds must be at least 0")
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    if args.max_shift < 0 or args.max_shift >= SIDE:
        parser.error("--max-shift must be between 0 and 27")
    return args


def main(argv):
    args = parse_args(argv)
    train_x, train_y = load_split(args.data_dir, "train_images", "train_labels")
    test_x, test_y = load_split(args.data_dir, "test_images", "test_labels")
    if args.mode == "train" and train_x.shape[0] < args.batch_size:
        raise BenchError(f"--batch-size {args.batch_size} is larger than the "
                         f"{train_x.shape[0]} training images")
    runs = []
    for threads in args.threads:
        set_threads(threads)
        run = train(args, train_x, train_y, test_x, test_y) if args.mode == "train" else infer(args, test_x)
        run["threads"] = threads
        if args.peak_seconds > 0:
            # One more sample of the matmul peak, taken between the other systems' measurements:
            # on a shared machine the peak measured only at the start and the end can be low.
            run["matmulGflops"] = gflops(1024, threads, args.peak_seconds / 3, 3)
        runs.append(run)
    result = {
        "mode": args.mode,
        "runs": runs,
        "system": "pytorch",
        "batchSize": args.batch_size,
        "optimizer": args.optimizer,
        "lr": args.lr,
        "schedule": args.schedule,
        "maxShift": args.max_shift,
        "labelSmoothing": args.label_smoothing,
        "finalRelu": args.final_relu,
        "trainCount": train_x.shape[0],
        "testCount": test_x.shape[0],
        "env": blas_info(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except BenchError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
