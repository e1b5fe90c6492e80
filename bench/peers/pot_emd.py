#!/usr/bin/python3
"""Context for the OT tour: POT's exact (unregularized) optimal cost `ot.emd2` on every ot case
of `bash cmake/tour.sh --family ot`, built from identical data, next to the entropic cost that
POT's `ot.sinkhorn(method='sinkhorn_log')` reaches at the tour's epsilon (where it converges in
reasonable time). The entropic cost exceeds the exact one by an epsilon-dependent bias.

Usage (Debian: apt-get install python3-pot python3-numpy; dataset-fashion-mnist for the
image cases, which are skipped with a message without it):
    /usr/bin/python3 bench/peers/pot_emd.py

With `--clouds N [--reps R]`: the reference of bench/ot/near_exact_trace.cpp (issue 12,
near-exact OT). Two clouds of N points uniform in the unit square from SplitMix64(1) and
SplitMix64(2) (x then y per point, as tests/support/point_clouds.hpp), uniform marginals,
squared Euclidean cost scaled to max 1; prints `emd N cost median_seconds` of `ot.emd2` over R
runs (default 3) and sum C as a check that both sides built the same cost:
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/pot_emd.py --clouds 1000
"""
import gzip
import os
import sys
import time

import numpy as np
import ot

from splitmix import SplitMix64

EPS = 1.0 / 1200


def random_500():
    g = SplitMix64(42)
    c = np.array([[g.next() for _ in range(500)] for _ in range(500)])
    u = np.full(500, 1.0 / 500)
    return u, u, c


def densities_1d(squared):
    x = np.linspace(0, 1, 1000)
    gauss = lambda m, s: np.exp(-(x - m) ** 2 / (2 * s * s))
    a = gauss(0.2, 0.05) + 0.5 * gauss(0.7, 0.1)
    b = gauss(0.5, 0.08) + 0.3 * gauss(0.9, 0.03)
    d = x[:, None] - x[None, :]
    return a / a.sum(), b / b.sum(), d ** 2 if squared else np.abs(d)


def fashion_mnist(squared):
    path = os.path.join(os.environ.get("ITERUM_FASHION_MNIST_DIR",
                                       "/usr/share/datasets/fashion-mnist"),
                        "t10k-images-idx3-ubyte.gz")
    if not os.path.exists(path):
        return None
    images = np.frombuffer(gzip.open(path).read(), np.uint8, offset=16).reshape(-1, 28, 28)

    def measure(im):
        r, c = np.nonzero(im)
        w = im[r, c].astype(float)
        return np.stack([r / 27.0, c / 27.0], 1), w / w.sum()

    x, a = measure(images[0])
    y, b = measure(images[1])
    d = x[:, None, :] - y[None, :, :]
    return a, b, (d ** 2).sum(2) if squared else np.abs(d).sum(2)


def uniform_cloud(n, seed):
    g = SplitMix64(seed)
    x = np.empty((n, 2))
    for i in range(n):
        x[i, 0] = g.next()
        x[i, 1] = g.next()
    return x


def clouds_main(n, reps):
    x, y = uniform_cloud(n, 1), uniform_cloud(n, 2)
    c = ((x[:, None, :] - y[None, :, :]) ** 2).sum(2)
    c /= c.max()
    u = np.full(n, 1.0 / n)
    seconds = []
    for _ in range(reps):
        start = time.perf_counter()
        cost = ot.emd2(u, u, c, numItermax=10**8)
        seconds.append(time.perf_counter() - start)
    print("POT %s, ot.emd2, uniform 2-D clouds, sum C = %.6f, seconds %s" % (
        ot.__version__, c.sum(), " ".join("%.3f" % s for s in seconds)))
    print("emd %d %.12g %.4f" % (n, cost, float(np.median(seconds))))


def main():
    if "--clouds" in sys.argv:
        args = sys.argv[1:]
        reps = int(args[args.index("--reps") + 1]) if "--reps" in args else 3
        clouds_main(int(args[args.index("--clouds") + 1]), reps)
        return
    print("POT %s; epsilon = 1/1200 for every case" % ot.__version__)
    print("%-28s %18s %18s %10s" % ("case", "ot.emd2 (exact)", "sinkhorn_log <C,P>", "seconds"))
    cases = [("random 500, eta 1200", random_500, None),
             ("1-D W2, n 1000, eta 1200", lambda: densities_1d(True), 1e-9),
             ("1-D W1, n 1000, eta 1200", lambda: densities_1d(False), 1e-9),
             ("Fashion-MNIST W2, eta 1200", lambda: fashion_mnist(True), 1e-12),
             ("Fashion-MNIST W1, eta 1200", lambda: fashion_mnist(False), 1e-12)]
    for name, build, thr in cases:
        data = build()
        if data is None:
            print("%-28s skipped: Fashion-MNIST not installed (dataset-fashion-mnist)" % name)
            continue
        a, b, c = data
        emd = ot.emd2(a, b, c, numItermax=10**7)
        if thr is None:  # POT's log-domain Sinkhorn needs minutes here (measured: random cost, n = 500)
            print("%-28s %18.12f %18s %10s" % (name, emd, "(not run)", ""))
            continue
        start = time.process_time()
        plan = ot.sinkhorn(a, b, c, EPS, method="sinkhorn_log", stopThr=thr, numItermax=10**5)
        seconds = time.process_time() - start
        print("%-28s %18.12f %18.12f %10.2f" % (name, emd, float((c * plan).sum()), seconds))
    x = np.linspace(0, 1, 1000)
    a, b, _ = densities_1d(True)
    print("1-D closed forms (quantile formula, ot.wasserstein_1d): W1 = %.12f, W2^2 = %.12f" % (
        ot.wasserstein_1d(x, x, a, b, p=1), ot.wasserstein_1d(x, x, a, b, p=2)))


if __name__ == "__main__":
    main()
