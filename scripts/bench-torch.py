#!/usr/bin/env python3
"""Native reference for `npm run bench`: the app's LeNet-5 (modern) trained with PyTorch on the CPU.

Same model (conv 6@5x5 same -> max-pool -> conv 16@5x5 -> max-pool -> 120 -> 84 -> 10, ReLU; 61,706
parameters), same optimizer (SGD + momentum 0.9, learning rate 0.01), same per-step work as the app's
loop (batch gathered from uint8 pixels and scaled to [0, 1], softmax cross-entropy, batch accuracy),
same protocol (warm-up, then the median of several timed repeats). Prints one JSON object on stdout.

Run by scripts/bench.mjs with Debian's /usr/bin/python3 (python3-torch); exits with status 3 and a
one-line reason when torch is missing, so the bench can say why the reference was skipped.
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as error:  # the bench prints this line and goes on without the reference
    print(json.dumps({"skipped": f"PyTorch is not installed for {sys.executable} ({error})"}))
    sys.exit(3)


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def read_idx(path, header):
    with gzip.open(path, "rb") as f:
        return f.read()[header:]


def load_mnist(folder):
    """The real MNIST training images when the prepared files are there, else MNIST-shaped noise."""
    images = os.path.join(folder or "", "train-images-idx3-ubyte.gz")
    labels = os.path.join(folder or "", "train-labels-idx1-ubyte.gz")
    if folder and os.path.exists(images) and os.path.exists(labels):
        x = torch.frombuffer(bytearray(read_idx(images, 16)), dtype=torch.uint8).view(-1, 1, 28, 28)
        y = torch.frombuffer(bytearray(read_idx(labels, 8)), dtype=torch.uint8).long()
        return x, y, "MNIST"
    generator = torch.Generator().manual_seed(1)
    return (torch.randint(0, 256, (60000, 1, 28, 28), dtype=torch.uint8, generator=generator),
            torch.randint(0, 10, (60000,), generator=generator), "random MNIST-shaped data")


def train_steps(model, optimizer, x, y, order, start, steps, batch):
    """`steps` optimizer steps on consecutive shuffled batches; returns examples trained."""
    n = 0
    for s in range(steps):
        idx = order[(start + s * batch) % (len(order) - batch):][:batch]
        xb = x[idx].float().div_(255)
        yb = y[idx]
        optimizer.zero_grad(set_to_none=True)
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        optimizer.step()
        # The app reads loss and accuracy of every step too (in bulk, asynchronously).
        _ = (loss.item(), (logits.argmax(1) == yb).float().mean().item())
        n += len(idx)
    return n


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch-sizes", default="32,128,512")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.5, help="target length of one timed repeat")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", default="", help="folder with the prepared MNIST .gz files")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    x, y, source = load_mnist(args.data)
    order = torch.randperm(len(x))
    out = {"version": torch.__version__, "threads": torch.get_num_threads(), "data": source, "training": {}, "inference": None}

    for batch in [int(b) for b in args.batch_sizes.split(",")]:
        model = LeNet5()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        model.train()
        start = time.perf_counter()
        train_steps(model, optimizer, x, y, order, 0, 1, batch)
        first_ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        warm = train_steps(model, optimizer, x, y, order, batch, 3, batch)
        rate = warm / (time.perf_counter() - start)
        steps = max(2, min(400, round(rate * args.seconds / batch)))
        samples = []
        for r in range(args.repeats):
            start = time.perf_counter()
            n = train_steps(model, optimizer, x, y, order, (4 + r * steps) * batch, steps, batch)
            samples.append(n / (time.perf_counter() - start))
        out["training"][str(batch)] = {"samples": samples, "median": statistics.median(samples), "steps": steps, "firstBatchMs": first_ms}

    # Inference on 10,000 images in batches of 500, as the app evaluates.
    model.eval()
    test = x[:10000]
    samples = []
    with torch.no_grad():
        for r in range(args.repeats + 1):
            start = time.perf_counter()
            for i in range(0, len(test), 500):
                model(test[i:i + 500].float().div_(255)).argmax(1)
            if r > 0:  # the first pass is the warm-up
                samples.append(len(test) / (time.perf_counter() - start))
    out["inference"] = {"samples": samples, "median": statistics.median(samples), "images": len(test)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
