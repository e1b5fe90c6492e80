#!/usr/bin/python3
"""Time per iteration of POT's ot.sinkhorn on the point-cloud case B5 (identical data to
bench/ot/sinkhorn_benchmark.cpp: SplitMix64 seed 7, polar-method normals), single thread.

Usage (Debian: apt-get install python3-pot python3-numpy):
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/pot_throughput.py [n ...]
"""
import sys
import time

import numpy as np
import ot

from splitmix import SplitMix64


def point_clouds(n, seed=7):
    g = SplitMix64(seed)
    x = np.array([[g.next() for _ in range(6)] for _ in range(n)])
    y = np.array([[(g.normal() + 0.5) / 5.0 for _ in range(6)] for _ in range(n)])
    a = np.array([0.1 + g.next() for _ in range(n)])
    b = np.array([0.1 + g.next() for _ in range(n)])
    c = ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    return a / a.sum(), b / b.sum(), c


def main():
    sizes = [int(s) for s in sys.argv[1:]] or [512, 1024, 2048, 4096]
    print("POT %s, numpy %s: ot.sinkhorn (scaling form), stopThr=0" % (ot.__version__,
                                                                       np.__version__))
    print("%8s %12s %16s" % ("n", "iterations", "ms/iteration"))
    for n in sizes:
        a, b, c = point_clouds(n)
        reg = 0.01 * c.mean()
        iters = max(10, int(2e8 / (n * n)))
        start = time.process_time()
        ot.sinkhorn(a, b, c, reg, numItermax=iters, stopThr=0.0)
        seconds = time.process_time() - start
        print("%8d %12d %16.4f" % (n, iters, 1e3 * seconds / iters))


if __name__ == "__main__":
    main()
