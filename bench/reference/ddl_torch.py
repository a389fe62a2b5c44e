"""Reference row of `npm run bench:ddl`: the DDL loss of Tencent/TFace
(recognition/torchkit/loss/ddl.py, class DDL) in PyTorch on one CPU thread, forward and
forward + backward at the bench's size. Prints one JSON line: per-run wall and CPU milliseconds
(CPU time, this process's, is disturbed less by other load on a shared machine).
Usage: python3 ddl_torch.py BATCH EMBEDDING BINS RUNS"""
import json
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
batch, dim, bins, runs = (int(a) for a in sys.argv[1:5])
t = torch.arange(0, 1.0, 1.0 / bins).view(1, -1)
sigma = 0.1


def histogram(dists):  # TFace DDL._histogram
    dists = dists.view(-1, 1)
    diff = torch.mm(dists, torch.ones_like(t)) - torch.mm(torch.ones_like(dists), t)
    counts = torch.sum(torch.exp(-0.5 * torch.pow(diff / sigma, 2)), 0, keepdim=True)
    return counts / torch.sum(counts, 1)


def kl(anchor, distribution):  # TFace DDL._kl
    return F.kl_div(torch.log(distribution + 1e-9), anchor + 1e-9, reduction="batchmean")


def neg_distribution(features):  # TFace DDL._neg_distribution
    features = F.normalize(features)
    sims = torch.triu(torch.mm(features, features.t()), diagonal=1).max(dim=1)[0]
    return histogram(sims), sims


def pos_distribution(first, second):  # TFace DDL._pos_distribution
    sims = torch.sum(F.normalize(first) * F.normalize(second), 1)
    sims = torch.masked_select(sims, sims > 0.0)
    return histogram(sims), sims


def ddl(singles, pairs):
    negs = [neg_distribution(s) for s in singles]
    poss = [pos_distribution(a, b) for a, b in pairs]
    order = sum(torch.mean(n[1]) - torch.mean(p[1]) for n in negs for p in poss)
    return 0.1 * kl(poss[0][0], poss[1][0]) + 0.02 * kl(negs[0][0], negs[1][0]) + 0.5 * order


gen = torch.Generator().manual_seed(1)
rand = lambda: torch.randn(batch, dim, generator=gen)
anchors = [rand(), rand()]
inputs = [rand(), rand(), anchors[0], anchors[0] + 0.7 * rand(), anchors[1], anchors[1] + 1.5 * rand()]
inputs = [x.clone().requires_grad_(True) for x in inputs]


def step(backward):
    loss = ddl(inputs[0:2], [inputs[2:4], inputs[4:6]])
    if backward:
        loss.backward()
        for x in inputs:
            x.grad = None


result = {"torch": torch.__version__, "threads": torch.get_num_threads()}
for name, backward in (("forward", False), ("forwardBackward", True)):
    with torch.set_grad_enabled(backward):
        step(backward)  # warm-up
        times, cpu = [], []
        for _ in range(runs):
            start, cpu_start = time.perf_counter(), time.process_time()
            step(backward)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - cpu_start) * 1000)
    result[name] = times
    result[name + "Cpu"] = cpu
print(json.dumps(result))
