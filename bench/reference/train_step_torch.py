"""Reference rows of `npm run bench:engine`: the bench's probe net and ir-lite (48 px) in PyTorch
on one CPU thread, same shapes, batch 64, loss mean(y^2), plain SGD. Forward (no gradient
recording, training-mode BatchNorm) and train step (forward + backward + update), per-step wall
and CPU milliseconds after warm-up. Prints one JSON line.
Usage: python3 train_step_torch.py probe|ir-lite STEPS WARMUP"""
import json
import sys
import time

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(1)
net_name, steps, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


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
    layers += [
        nn.BatchNorm2d(channels),
        nn.Flatten(),
        nn.Linear(channels * size * size, embedding),
        nn.BatchNorm1d(embedding, affine=False),
    ]
    return nn.Sequential(*layers), torch.rand(64, 3, 48, 48) * 2 - 1


model, x = probe_net() if net_name == "probe" else ir_lite()
model.train()
optimizer = torch.optim.SGD(model.parameters(), lr=0.001)


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


print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "forward": timed(forward), "train": timed(train_step)}))
