"""The reference PyTorch MNIST workflow, on the same IDX files tfnb's tutorial reads:
784 -> 128 ReLU -> 10, cross-entropy, Adam 0.001, batch 64, shuffled training batches.
Prints one JSON line: training samples/s, time to each epoch, test accuracy (with
--eval-each-epoch also after every epoch, outside the timed training), BLAS in use."""
import argparse, gzip, json, os, struct, time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    opener = gzip.open if open(path, 'rb').read(2) == b'\x1f\x8b' else open
    with opener(path, 'rb') as f:
        data = f.read()
    magic, = struct.unpack('>I', data[:4])
    dims = magic & 0xFF
    shape = struct.unpack('>' + 'I' * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(folder, stem):
    for name in (stem + '.gz', stem):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise FileNotFoundError(stem)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--data', required=True)
    p.add_argument('--epochs', type=int, default=10)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--seed', type=int, default=0, help='torch.manual_seed: initial weights and batch order')
    p.add_argument('--eval-each-epoch', action='store_true', help='test accuracy after every epoch (clock paused)')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x_train = torch.from_numpy(read_idx(find(a.data, 'train-images-idx3-ubyte')).astype(np.float32) / 255.0).reshape(-1, 784)
    y_train = torch.from_numpy(read_idx(find(a.data, 'train-labels-idx1-ubyte')).astype(np.int64))
    x_test = torch.from_numpy(read_idx(find(a.data, 't10k-images-idx3-ubyte')).astype(np.float32) / 255.0).reshape(-1, 784)
    y_test = torch.from_numpy(read_idx(find(a.data, 't10k-labels-idx1-ubyte')).astype(np.int64))
    train = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=64, shuffle=True)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    def test_accuracy():
        with torch.no_grad():
            return (model(x_test).argmax(1) == y_test).float().mean().item()

    train_seconds = 0.0
    epoch_ends = []
    epoch_accuracies = []
    for _ in range(a.epochs):
        start = time.perf_counter()
        for xb, yb in train:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        train_seconds += time.perf_counter() - start
        epoch_ends.append(train_seconds)
        if a.eval_each_epoch:
            epoch_accuracies.append(test_accuracy())
    accuracy = test_accuracy()
    blas = 'unknown'
    try:
        from threadpoolctl import threadpool_info
        blas = ', '.join(f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)" for i in threadpool_info() if i.get('user_api') == 'blas') or 'none found'
    except Exception:  # threadpoolctl may be missing
        blas = str(torch.__config__.show()).split('BLAS_INFO=')[-1].split(',')[0] if 'BLAS_INFO' in torch.__config__.show() else 'unknown'
    print(json.dumps({'train_seconds': train_seconds, 'samples_per_second': a.epochs * len(x_train) / train_seconds,
                      'accuracy': accuracy, 'epoch_ends': epoch_ends, 'epoch_accuracies': epoch_accuracies, 'train_count': len(x_train), 'test_count': len(x_test),
                      'threads': a.threads, 'seed': a.seed, 'blas': blas, 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
