"""Reference rows of `npm run bench:engine`: the bench's probe net, ir-lite (48 px) and MobileFaceNet
(112 px) in PyTorch on one CPU thread, same shapes, batch 64, loss mean(y^2), plain SGD. Forward (no gradient
recording, training-mode BatchNorm) and train step (forward + backward + update), per-step wall
and CPU milliseconds after warm-up. Prints one JSON line.
With THREADS (> 1): instead, STEPS pairs of train steps after WARMUP pairs, one step on 1 intra-op
thread and one on THREADS (torch.set_num_threads between steps), the wall times of both; the
bench's "1 vs 2 threads alternating" reference (this machine's speed drifts between processes).
Usage: python3 train_step_torch.py probe|ir-lite|mobilefacenet STEPS WARMUP [THREADS]"""
import json
import os
import sys
import time

# One thread also when run by hand: Debian's torch does its matmuls in OpenBLAS, whose own pool
# ignores torch.set_num_threads and reads this before torch is imported (bench/reference.ts sets it too).
for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(name, "1")

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(1)
net_name, steps, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
alternate_threads = int(sys.argv[4]) if len(sys.argv) > 4 else 0


def probe_net():
    # conv3x3 s2 'same' 3->32, ReLU, 32->64, ReLU, 64->128, ReLU, flatten, dense 2048->128, no biases.
    # TF 'same' with stride 2 on 32 px pads (0, 1); padding=1 gives the same output size and cost.
    conv = lambda i, o: nn.Conv2d(i, o, 3, 2, 1, bias=False)
    return nn.Sequential(
        conv(3, 32), nn.ReLU(), conv(32, 64), nn.ReLU(), conv(64, 128), nn.ReLU(), nn.Flatten(), nn.Linear(2048, 128, bias=False)
    ), torch.rand(64, 3, 32, 32) * 2 - 1


class Block(nn.Module):  # app/models/iresnet.ts: BN, conv3x3, BN, PReLU, conv3x3 (stride), BN + shortcut
    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.body = nn.Sequential(
            nn.BatchNorm2d(inplanes),
            nn.Conv2d(inplanes, planes, 3, 1, 1, bias=False),
            nn.BatchNorm2d(planes),
            nn.PReLU(planes),
            nn.Conv2d(planes, planes, 3, stride, 1, bias=False),
            nn.BatchNorm2d(planes),
        )
        self.shortcut = (
            nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
            if stride != 1 or inplanes != planes
            else nn.Identity()
        )

    def forward(self, x):
        return self.body(x) + self.shortcut(x)


def ir_lite(size=48, widths=(16, 32, 64, 128), embedding=128):
    layers = [nn.Conv2d(3, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.PReLU(widths[0])]
    channels = widths[0]
    for planes in widths:
        layers.append(Block(channels, planes, 2))
        channels, size = planes, (size + 1) // 2
    # insightface's feature BatchNorm: gamma fixed at 1, beta trained (ours: batchNorm('features', scale=false)).
    features = nn.BatchNorm1d(embedding)
    features.weight.requires_grad_(False)
    layers += [
        nn.BatchNorm2d(channels),
        nn.Flatten(),
        nn.Linear(channels * size * size, embedding),
        features,
    ]
    return nn.Sequential(*layers), torch.rand(64, 3, 48, 48) * 2 - 1


class InvertedResidual(nn.Module):
    # app/models/zoo/mobilefacenet.ts bottleneck: conv1x1 expand + bias, PReLU, dw3x3 (stride) + bias,
    # ReLU, conv1x1 project + bias (linear), + input when stride 1 and the channels match.
    def __init__(self, inplanes, expand, out, stride):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(inplanes, expand, 1),
            nn.PReLU(expand),
            nn.Conv2d(expand, expand, 3, stride, 1, groups=expand),
            nn.ReLU(),
            nn.Conv2d(expand, out, 1),
        )
        self.residual = stride == 1 and inplanes == out

    def forward(self, x):
        y = self.body(x)
        return y + x if self.residual else y


def mobilefacenet(size=112, embedding=192):
    # Our trainable MobileFaceNet (app/models/zoo/mobilefacenet.ts, describeMobileFaceNet): BatchNorm
    # is folded into every conv's bias, so there is none here either. TF 'SAME' on a stride-2 3x3 conv
    # (even input) pads only bottom/right; padding=1 gives the same output size and cost without an
    # extra pad copy (XNNPACK pads asymmetrically for free, PyTorch would need F.pad).
    layers = [
        nn.Conv2d(3, 64, 3, 2, 1),  # Conv2d_0
        nn.PReLU(64),
        nn.Conv2d(64, 64, 3, 1, 1, groups=64),  # SeparableConv2d, fused ReLU
        nn.ReLU(),
        nn.Conv2d(64, 64, 1),  # Conv (linear)
    ]
    channels = 64
    # (count, expand, out, first stride): Conv2d_2 .. Conv2d_6
    for count, expand, out, stride in ((5, 128, 64, 2), (1, 256, 128, 2), (6, 256, 128, 1), (1, 512, 128, 2), (2, 256, 128, 1)):
        for i in range(count):
            layers.append(InvertedResidual(channels, expand, out, stride if i == 0 else 1))
            channels = out
    final = size
    for _ in range(4):
        final = (final + 1) // 2
    layers += [
        nn.Conv2d(channels, 512, 1),  # Conv2d_7
        nn.PReLU(512),
        nn.Conv2d(512, 512, final, 1, 0, groups=512),  # Logits_SeparableConv2d: 7x7 global depthwise, valid
        nn.Conv2d(512, 512, 1),  # Logits_Conv
        nn.Conv2d(512, embedding, 1),  # Logits_LinearConv1x1
        nn.Flatten(),  # Logits_SpatialSqueeze
    ]
    return nn.Sequential(*layers), torch.rand(64, 3, size, size) * 2 - 1


nets = {"probe": probe_net, "ir-lite": ir_lite, "mobilefacenet": mobilefacenet}
if net_name not in nets:
    sys.exit(f"net must be one of {', '.join(nets)}, got {net_name!r}")
model, x = nets[net_name]()
model.train()
optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.001)


def forward():
    with torch.no_grad():
        model(x)


def train_step():
    optimizer.zero_grad(set_to_none=True)
    loss = model(x).square().mean()
    loss.backward()
    optimizer.step()


def timed(work):
    for _ in range(warmup):
        work()
    wall, cpu = [], []
    for _ in range(steps):
        start, cpu_start = time.perf_counter(), time.process_time()
        work()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
    return {"wall": wall, "cpu": cpu}


# Trainable elements, which the bench compares with ours: equal counts = the same net.
parameters = sum(p.numel() for p in model.parameters() if p.requires_grad)


def alternate(threads):
    # Convolutions run on torch's intra-op (OpenMP) threads, which set_num_threads changes per
    # step; the dense layer's OpenBLAS matmul (~1 ms) keeps the one thread the bench gives it.
    times = {"one": [], "many": []}
    for pair in range(warmup + steps):
        for key, count in (("one", 1), ("many", threads)):
            torch.set_num_threads(count)
            start = time.perf_counter()
            train_step()
            if pair >= warmup:
                times[key].append((time.perf_counter() - start) * 1000)
    return times


if alternate_threads > 1:
    print(json.dumps({"torch": torch.__version__, "threads": alternate_threads, "parameters": parameters, "alternate": alternate(alternate_threads)}))
    sys.exit(0)
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "parameters": parameters, "forward": timed(forward), "train": timed(train_step)}))
