"""PyTorch side of bench/compare-pytorch.ts (a measuring instrument, not part of the package).

The reference tiny CNN of `liftpool bench` (conv3x3(16)-conv(16)-P-conv(32)-conv(32)-P-conv(64)-
GAP-dense(10), ReLU, no BatchNorm) with P = 2x2 max pooling or a LiftDownPool2D written from
SPEC section 2 with stock PyTorch ops: per 1-D step split even/odd, d = xo - P(xe), s = xe + U(d),
F(z) = tanh(Conv1x1(ReLU(DepthwiseConv_K(Pad(z))))), K = 5, reflect padding (edge where the axis is
too short), the vertical step shared by the L and H branches (run as one batch), output
LL+LH+HL+HH, loss = cross-entropy + 0.01 * sum L_u + 0.1 * sum L_p. Adam, lr 1e-3.
--constraint: 'detached' (liftpool's default) takes L_u, L_p from a second lifting pass on x.detach(),
so they train only the lifting weights; 'paper' takes them from the one pass.

Protocol (stdin/stdout, one line each): it prints "ready <torch version> <threads>", then for each
line "max" or "lift" runs one training step on a fixed random batch and prints its wall time in ms
(time.perf_counter around the step); "quit" ends it.

  python3 bench/pytorch_tiny_cnn.py [--threads N] [--batch 64] [--constraint detached|paper]
"""
import argparse
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LiftFilter(nn.Module):
    """F(z) along one axis ('width' or 'height') of an NCHW tensor."""

    def __init__(self, c, k, axis):
        super().__init__()
        self.k, self.axis = k, axis
        kernel = (1, k) if axis == "width" else (k, 1)
        self.depthwise = nn.Conv2d(c, c, kernel, groups=c, bias=True)
        self.pointwise = nn.Conv2d(c, c, 1, bias=True)

    def forward(self, z):
        a = self.k // 2
        length = z.shape[3] if self.axis == "width" else z.shape[2]
        pad = (a, a, 0, 0) if self.axis == "width" else (0, 0, a, a)
        z = F.pad(z, pad, mode="reflect" if a < length else "replicate")
        return torch.tanh(self.pointwise(F.relu(self.depthwise(z))))


class LiftStep(nn.Module):
    def __init__(self, c, k, axis):
        super().__init__()
        self.axis = axis
        self.predict = LiftFilter(c, k, axis)
        self.update = LiftFilter(c, k, axis)

    def forward(self, x, parts=1):
        if self.axis == "width":
            xe, xo = x[:, :, :, 0::2], x[:, :, :, 1::2]
        else:
            xe, xo = x[:, :, 0::2, :], x[:, :, 1::2, :]
        d = xo - self.predict(xe)
        s = xe + self.update(d)
        lu = torch.linalg.norm((s - xo).reshape(parts, -1), dim=1).sum()
        lp = torch.linalg.norm(d.reshape(parts, -1), dim=1).sum()
        return s, d, lu, lp


class LiftDownPool2D(nn.Module):
    def __init__(self, c, k=5, constraint="detached"):
        super().__init__()
        self.horizontal = LiftStep(c, k, "width")
        self.vertical = LiftStep(c, k, "height")
        self.constraint = constraint
        self.loss = None

    def lift(self, x):
        low, high, lu1, lp1 = self.horizontal(x)
        s, d, lu2, lp2 = self.vertical(torch.cat([low, high], 0), parts=2)
        return s, d, 0.01 * (lu1 + lu2) + 0.1 * (lp1 + lp2)

    def forward(self, x):
        n = x.shape[0]
        s, d, loss = self.lift(x)
        self.loss = loss if self.constraint == "paper" else self.lift(x.detach())[2]
        return s[:n] + d[:n] + s[n:] + d[n:]


class TinyCnn(nn.Module):
    def __init__(self, pool, constraint):
        super().__init__()
        conv = lambda ci, co: nn.Conv2d(ci, co, 3, padding=1)
        self.c1, self.c2, self.c3, self.c4, self.c5 = conv(1, 16), conv(16, 16), conv(16, 32), conv(32, 32), conv(32, 64)
        self.pools = nn.ModuleList([LiftDownPool2D(16, constraint=constraint), LiftDownPool2D(32, constraint=constraint)]) if pool == "lift" else None
        self.dense = nn.Linear(64, 10)

    def pool(self, i, x):
        return F.max_pool2d(x, 2) if self.pools is None else self.pools[i](x)

    def forward(self, x):
        h = F.relu(self.c2(F.relu(self.c1(x))))
        h = self.pool(0, h)
        h = F.relu(self.c4(F.relu(self.c3(h))))
        h = self.pool(1, h)
        h = F.relu(self.c5(h))
        return self.dense(h.mean((2, 3)))

    def constraint_loss(self):
        return 0 if self.pools is None else sum(p.loss for p in self.pools)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--constraint", choices=["detached", "paper"], default="detached")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    x = torch.randn(args.batch, 1, 28, 28)
    y = torch.randint(0, 10, (args.batch,))
    nets = {p: TinyCnn(p, args.constraint) for p in ("max", "lift")}
    opts = {p: torch.optim.Adam(nets[p].parameters(), lr=1e-3) for p in nets}

    def step(p):
        opts[p].zero_grad(set_to_none=True)
        out = nets[p](x)
        loss = F.cross_entropy(out, y) + nets[p].constraint_loss()
        loss.backward()
        opts[p].step()

    print(f"ready {torch.__version__} {torch.get_num_threads()}", flush=True)
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "quit":
            break
        if cmd not in nets:
            print(f"error unknown command {cmd!r}", flush=True)
            continue
        t0 = time.perf_counter()
        step(cmd)
        print(f"{(time.perf_counter() - t0) * 1000:.3f}", flush=True)


if __name__ == "__main__":
    main()
