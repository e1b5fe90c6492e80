#!/usr/bin/python3
"""SciPy's conjugate gradient against iterum's CG and SSOR-CG on the same real symmetric positive
definite system, interleaved: each round times SciPy's cg (Jacobi-preconditioned, as iterum's CG
and Eigen's default are) in this process, then one run of bench/linalg/real_spd_benchmark.cpp.
The matrix is lund_a.mtx as Debian's r-cran-matrix ships it (or --file), read by
scipy.io.mmread here and by iterum::io::read_matrix_market there; b = A (1 + sin(i) / 2)_i,
x0 = 0, tolerance 1e-10 on ||b - A x|| / ||b||. Prints per-solve milliseconds (wall and CPU),
iterations and the true relative residual, with medians, and SciPy's version.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/scipy_cg_spd.py \\
        --binary build/bench/bench/real_spd_benchmark [--rounds 7]

Needs Debian's python3-scipy and r-cran-matrix.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.io  # noqa: E402
import scipy.sparse  # noqa: E402
import scipy.sparse.linalg  # noqa: E402

LUND_A = "/usr/lib/R/library/Matrix/external/lund_a.mtx"


def iterum_runs(binary, path):
    env = dict(os.environ, ITERUM_SPD_MTX=path)
    out = subprocess.run(
        [binary, "--benchmark_format=json", "--benchmark_min_time=0.2",
         "--benchmark_filter=BM_iterum_cg|BM_eigen_cg|BM_iterum_ssor_cg"],
        env=env, check=True, capture_output=True, text=True).stdout
    runs = {}
    for run in json.loads(out)["benchmarks"]:
        assert run["time_unit"] == "us"
        runs[run["name"]] = (run["real_time"] / 1e3, run["cpu_time"] / 1e3,
                             int(run["solver_iterations"]), run["residual"])
    return runs


def scipy_run(a, b, diag_inv, solves=20):
    m = scipy.sparse.diags(diag_inv)
    count = [0]

    def callback(_):
        count[0] += 1

    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(solves):
        count[0] = 0
        x, info = scipy.sparse.linalg.cg(a, b, tol=1e-10, atol=0.0, M=m, callback=callback,
                                          maxiter=10 * a.shape[0])
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert info == 0, info
    residual = np.linalg.norm(b - a @ x) / np.linalg.norm(b)
    return elapsed / solves * 1e3, cpu / solves * 1e3, count[0], residual


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--file", default=LUND_A)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if not os.path.exists(args.file):
        print(f"skipped: {args.file} is absent (apt-get install r-cran-matrix)")
        return 0
    a = scipy.sparse.csr_matrix(scipy.io.mmread(args.file))
    n = a.shape[0]
    b = a @ (1.0 + 0.5 * np.sin(np.arange(n, dtype=float)))
    diag_inv = 1.0 / a.diagonal()
    print(f"{args.file}: n = {n}, nnz = {a.nnz}; SciPy {scipy.__version__}, NumPy {np.__version__}")
    names = ["scipy cg (Jacobi)", "BM_iterum_cg", "BM_eigen_cg", "BM_iterum_ssor_cg"]
    rows = {name: [] for name in names}
    for _ in range(args.rounds):
        rows["scipy cg (Jacobi)"].append(scipy_run(a, b, diag_inv))
        for name, run in iterum_runs(args.binary, args.file).items():
            rows[name].append(run)
    print(f"{'solver':<20} {'ms wall':>9} {'ms cpu':>8} {'iterations':>11} {'residual':>10}")
    for name in names:
        wall = statistics.median(r[0] for r in rows[name])
        cpu = statistics.median(r[1] for r in rows[name])
        label = name.replace("BM_", "").replace("_", " ")
        print(f"{label:<20} {wall:9.3f} {cpu:8.3f} {rows[name][-1][2]:11d} "
              f"{rows[name][-1][3]:10.2e}")
    print(f"medians of {args.rounds} interleaved rounds; load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
