"""PyTorch baseline for bench/wasm: the same models, batch and optimizer as bench/wasm/models.ts.

Usage: python3 bench/wasm/torch_train.py <cnn|mlp> <threads> [seconds]
Prints {"samplesPerSecond": ..., "samplesPerSecondP10": ..., "samplesPerCpuSecond": ...} as its last line. Run it with
OMP_NUM_THREADS and OPENBLAS_NUM_THREADS equal to <threads> (bench.ts does): OpenBLAS otherwise
starts its own threads whatever torch.set_num_threads says.
"""
import json
import sys
import time

import torch
from torch import nn

BATCH = 64


def build(name: str) -> nn.Module:
    if name == "cnn":
        # Same as tfjs: conv 3x3x16 -> maxpool 2 -> conv 3x3x32 -> maxpool 2 -> dense 10, valid padding.
        return nn.Sequential(
            nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 5 * 5, 10),
        )
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "cnn"
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    budget = float(sys.argv[3]) if len(sys.argv) > 3 else 4.0
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = build(name)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()  # softmax + cross-entropy, as tfjs's softmax layer + categoricalCrossentropy
    shape = (BATCH, 1, 28, 28) if name == "cnn" else (BATCH, 784)
    batches = [(torch.rand(shape), torch.randint(0, 10, (BATCH,))) for _ in range(4)]

    def step(i: int) -> None:
        xs, ys = batches[i % 4]
        optimizer.zero_grad()
        loss = loss_fn(model(xs), ys)
        loss.backward()
        optimizer.step()
        loss.item()  # tfjs's trainOnBatch reads the loss back too

    for i in range(2):
        step(i)
    start = time.perf_counter()
    cpu_start = time.process_time()
    steps = 0
    step_seconds = []
    while steps < 3 or time.perf_counter() - start < budget:
        t = time.perf_counter()
        step(steps)
        step_seconds.append(time.perf_counter() - t)
        steps += 1
    step_seconds.sort()
    p10 = step_seconds[int(0.1 * (len(step_seconds) - 1))]
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    print(json.dumps({
        "samplesPerSecond": steps * BATCH / seconds, "samplesPerSecondP10": BATCH / p10,
        "samplesPerCpuSecond": steps * BATCH / cpu_seconds,
        "steps": steps, "seconds": seconds, "cpuSeconds": cpu_seconds, "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
