#!/usr/bin/python3
"""scikit-learn's Lasso against iterum::bcd::lasso on the same data, interleaved.

bench/bcd/lasso_trace.cpp generates the cases (iid 2000x5000, AR(1) 0.9, sparse 20000x50000 at
density 1e-3; no intercept; lambda a fixed fraction of lambda_max) and writes them as .npy;
this script loads them, fits sklearn.linear_model.Lasso at tol = 1e-4 and 1e-8, computes the
relative duality gap each fit reached (gap / ||y||^2 in the n-multiplied objective: the
quantity scikit-learn compares with tol) and then, round by round, times scikit-learn's fit in
this process and iterum (a subprocess; it reports its own wall and CPU seconds) run to the same
relative gap. Prints per-case medians of wall and CPU seconds, their ratios, objectives and
supports, and scikit-learn's version.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/sklearn_lasso.py \\
        --binary build/bench/bench/lasso_trace [--rounds 5] [--cases iid,ar1,sparse]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import scipy.sparse  # noqa: E402
import sklearn  # noqa: E402
from sklearn.linear_model import Lasso  # noqa: E402


def relative_gap(x, y, w, lam):
    n = x.shape[0]
    alpha = n * lam
    r = y - x @ w
    z = x.T @ r
    s = min(1.0, alpha / np.max(np.abs(z)))
    primal = 0.5 * r @ r + alpha * np.abs(w).sum()
    dual = s * (r @ y) - 0.5 * s * s * (r @ r)
    return (primal - dual) / (y @ y)


def load(d, case):
    y = np.load(os.path.join(d, f"{case}_y.npy"))
    if case == "sparse":
        data = np.load(os.path.join(d, "sparse_data.npy"))
        indices = np.load(os.path.join(d, "sparse_indices.npy")).astype(np.int32)
        indptr = np.load(os.path.join(d, "sparse_indptr.npy")).astype(np.int32)
        shape = tuple(int(v) for v in np.load(os.path.join(d, "sparse_shape.npy")))
        return scipy.sparse.csc_matrix((data, indices, indptr), shape=shape), y
    return np.asfortranarray(np.load(os.path.join(d, f"{case}_X.npy"))), y


def iterum_run(binary, case, tolerance):
    out = subprocess.run([binary, "--case", case, "--tolerance", repr(tolerance)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def sklearn_fit(x, y, lam, tol):
    m = Lasso(alpha=lam, fit_intercept=False, tol=tol, max_iter=100000)
    w0, c0 = time.perf_counter(), time.process_time()
    m.fit(x, y)
    return m, time.perf_counter() - w0, time.process_time() - c0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cases", default="iid,ar1,sparse")
    args = ap.parse_args()
    print(f"scikit-learn {sklearn.__version__}, NumPy {np.__version__}, "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([args.binary, "--write", d], check=True)
        for case in args.cases.split(","):
            x, y = load(d, case)
            lam = iterum_run(args.binary, case, 1e-2)["lambda"]
            for tol in (1e-4, 1e-8):
                m, _, _ = sklearn_fit(x, y, lam, tol)
                target = relative_gap(x, y, m.coef_, lam)
                sk_wall, sk_cpu, it_wall, it_cpu = [], [], [], []
                last = None
                for _ in range(args.rounds):
                    m, w, c = sklearn_fit(x, y, lam, tol)
                    sk_wall.append(w)
                    sk_cpu.append(c)
                    last = iterum_run(args.binary, case, target)
                    it_wall.append(last["seconds"])
                    it_cpu.append(last["cpu_seconds"])
                med = statistics.median
                n = x.shape[0]
                r = y - x @ m.coef_
                sk_obj = (r @ r) / (2 * n) + lam * np.abs(m.coef_).sum()
                print(json.dumps({
                    "case": case, "sklearn_tol": tol, "relative_gap": float(target),
                    "sklearn_wall": med(sk_wall), "iterum_wall": med(it_wall),
                    "wall_ratio": med(it_wall) / med(sk_wall),
                    "sklearn_cpu": med(sk_cpu), "iterum_cpu": med(it_cpu),
                    "cpu_ratio": med(it_cpu) / med(sk_cpu),
                    "sklearn_epochs": int(m.n_iter_), "iterum_epochs": last["iterations"],
                    "iterum_full_passes": last["full_passes"],
                    "sklearn_objective": float(sk_obj), "iterum_objective": last["objective"],
                    "sklearn_support": int(np.count_nonzero(m.coef_)),
                    "iterum_support": last["support"], "iterum_status": last["status"]}))
                sys.stdout.flush()


if __name__ == "__main__":
    main()
