"""Trains the seed MLP (784-200-200-10, ReLU after every layer) for 3 epochs (Adam) with PyTorch on IDX
files, exports it with torch.onnx.export (input `input` [batch,784], normalised; output
`logits`), and prints PyTorch's own evaluation of the same weights on the test files as JSON.

usage: torch_seed_mlp.py IDX_DIR OUT.onnx
"""
import json
import struct
import sys

import numpy as np
import torch

MEAN, STD = 0.1307, 0.3081


def read_idx(path):
    with open(path, 'rb') as f:
        data = f.read()
    ndims = data[3]
    dims = struct.unpack('>' + 'I' * ndims, data[4:4 + 4 * ndims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndims).reshape(dims)


def load(idx_dir, prefix):
    images = read_idx(f'{idx_dir}/{prefix}-images-idx3-ubyte').reshape(-1, 784).astype(np.float32) / 255.0
    labels = read_idx(f'{idx_dir}/{prefix}-labels-idx1-ubyte').astype(np.int64)
    return torch.from_numpy((images - MEAN) / STD), torch.from_numpy(labels)


def main():
    idx_dir, out = sys.argv[1], sys.argv[2]
    torch.manual_seed(0)
    torch.set_num_threads(1)
    x_train, y_train = load(idx_dir, 'train')
    x_test, y_test = load(idx_dir, 't10k')
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 200), torch.nn.ReLU(),
        torch.nn.Linear(200, 200), torch.nn.ReLU(),
        torch.nn.Linear(200, 10), torch.nn.ReLU(),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _epoch in range(3):
        order = torch.randperm(len(y_train))
        for start in range(0, len(order), 200):
            batch = order[start:start + 200]
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(x_train[batch]), y_train[batch]).backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        logits = model(x_test)
        loss = torch.nn.functional.cross_entropy(logits, y_test).item()
    predicted = logits.argmax(dim=1)
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (y_test.numpy(), predicted.numpy()), 1)
    torch.onnx.export(model, x_test[:1], out, input_names=['input'], output_names=['logits'],
                      dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}}, opset_version=13)
    print(json.dumps({
        'torch': torch.__version__,
        'count': int(len(y_test)),
        'correct': int((predicted == y_test).sum().item()),
        'meanLoss': loss,
        'confusionMatrix': confusion.tolist(),
    }))


if __name__ == '__main__':
    main()
