#!/usr/bin/env python3
"""PyTorch's training step, the baseline for BENCHMARKS.md "Training": torchvision resnet50 with
fc = Linear(2048, 1), Adam (lr 1e-4), BCEWithLogitsLoss, train mode, 224x224, 2 threads.

  random: random tensors (network + optimiser only)
  loader: CNNDetection's data path: a Dataset over PNG files (PIL open -> convert RGB ->
          Resize(256) -> RandomCrop(224) -> RandomHorizontalFlip -> ToTensor -> Normalize),
          DataLoader(shuffle=True, num_workers=--workers)

--precision bf16: the forward pass and the loss under torch.autocast("cpu", dtype=torch.bfloat16)
on a channels-last model (bf16 convolutions forward and backward through oneDNN, float32 master
weights and Adam state): whether oneDNN's bf16 training kernels pay on this CPU (issue 15).

Prints images/s per run (after --warmup steps) and the median.
Run: /work/venv/bin/python scripts/bench/bench_train_reference.py --batch 16 --steps 6 --runs 3 [--data DIR] [--precision bf16]
"""
import argparse
import os
import statistics
import time

import torch
import torchvision
from PIL import Image
from torchvision import transforms

p = argparse.ArgumentParser()
p.add_argument("--batch", type=int, default=16)
p.add_argument("--steps", type=int, default=6)
p.add_argument("--warmup", type=int, default=1)
p.add_argument("--runs", type=int, default=3)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--workers", type=int, default=2)
p.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
p.add_argument("--data", help="folder with 0_real/ and 1_fake/ PNGs (loader mode); random tensors if absent")
a = p.parse_args()
torch.set_num_threads(a.threads)


class Folder(torch.utils.data.Dataset):
    def __init__(self, root):
        self.items = [(os.path.join(root, lab, f), float(i)) for i, lab in enumerate(["0_real", "1_fake"])
                      for f in sorted(os.listdir(os.path.join(root, lab)))]
        self.t = transforms.Compose([transforms.Resize(256), transforms.RandomCrop(224), transforms.RandomHorizontalFlip(),
                                     transforms.ToTensor(),
                                     transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        path, y = self.items[i]
        return self.t(Image.open(path).convert("RGB")), y


def batches():
    if a.data is None:
        while True:
            yield torch.randn(a.batch, 3, 224, 224), torch.randint(0, 2, (a.batch,)).float()
    loader = torch.utils.data.DataLoader(Folder(a.data), batch_size=a.batch, shuffle=True, num_workers=a.workers,
                                         drop_last=True, persistent_workers=False)
    while True:
        yield from loader


rates = []
for run in range(a.runs):
    torch.manual_seed(run)
    model = torchvision.models.resnet50(num_classes=1).train()
    if a.precision == "bf16":
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4, betas=(0.9, 0.999))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    it = batches()
    t0, n = None, 0
    for step in range(a.warmup + a.steps):
        if step == a.warmup:
            t0, n = time.perf_counter(), 0
        x, y = next(it)
        opt.zero_grad()
        if a.precision == "bf16":
            with torch.autocast("cpu", dtype=torch.bfloat16):
                loss = loss_fn(model(x.contiguous(memory_format=torch.channels_last)).squeeze(1).float(), y)
        else:
            loss = loss_fn(model(x).squeeze(1), y)
        loss.backward()
        opt.step()
        n += x.shape[0]
    rate = n / (time.perf_counter() - t0)
    rates.append(rate)
    print(f"run {run}: {rate:.2f} images/s", flush=True)
print(f"torch {torch.__version__} {a.precision} batch {a.batch} {'loader' if a.data else 'random'} threads {a.threads}: "
      f"median {statistics.median(rates):.2f} images/s over {a.runs} runs")
