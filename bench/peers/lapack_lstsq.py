#!/usr/bin/env python3
"""LAPACK least squares on the data bench/sketch/lstsq_trace writes with --npy DIR: NumPy's
lstsq (LAPACK gelsd, SVD-based), SciPy's lstsq(lapack_driver='gelsy') (pivoted QR) and LAPACK
dgels (unpivoted Householder QR, through scipy.linalg.lapack), median
seconds of --repeats runs each, relative error against a Householder QR (numpy.linalg.qr) and
the certificate ||A^T r|| / (||A||_F ||r||).

Run single-threaded, as the C++ side is:
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/lapack_lstsq.py DIR [--repeats 3]
"""
import glob
import os
import sys
import time

import numpy as np
import scipy
import scipy.linalg
import scipy.linalg.lapack


def median_seconds(repeats, run):
    times = []
    out = None
    for _ in range(repeats):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2], out


def main():
    directory = sys.argv[1]
    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 3
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    print(f"{'m':>7} {'n':>5} {'kappa':>7}  {'solver':<22} {'seconds':>9} {'err_vs_qr':>10} "
          f"{'certif':>10}")
    for a_path in sorted(glob.glob(os.path.join(directory, "A_*.npy")),
                         key=lambda p: (int(p.split("_")[-2]), float(p.split("_")[-1][:-4]))):
        tag = os.path.basename(a_path)[2:-4]
        a = np.load(a_path)
        b = np.load(os.path.join(directory, f"b_{tag}.npy")).reshape(-1)
        m, n = a.shape
        kappa = float(tag.split("_")[1])
        q, r = np.linalg.qr(a)
        x_qr = scipy.linalg.solve_triangular(r, q.T @ b)
        del q
        a_norm = np.linalg.norm(a)
        for name, run in [
            ("numpy_lstsq_gelsd", lambda: np.linalg.lstsq(a, b, rcond=None)[0]),
            ("scipy_lstsq_gelsy", lambda: scipy.linalg.lstsq(a, b, lapack_driver="gelsy",
                                                             check_finite=False)[0]),
            ("lapack_dgels", lambda: scipy.linalg.lapack.dgels(a, b)[1][:n]),
        ]:
            seconds, x = median_seconds(repeats, run)
            res = b - a @ x
            cert = np.linalg.norm(a.T @ res) / (a_norm * np.linalg.norm(res))
            err = np.linalg.norm(x - x_qr) / np.linalg.norm(x_qr)
            print(f"{m:>7} {n:>5} {kappa:>7.0e}  {name:<22} {seconds:>9.4f} {err:>10.2e} "
                  f"{cert:>10.2e}", flush=True)


if __name__ == "__main__":
    main()
