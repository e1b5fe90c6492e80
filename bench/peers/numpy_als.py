#!/usr/bin/env python3
"""Exact alternating least squares for matrix completion in NumPy/SciPy: the peer of
bench/completion/altmin_trace.cpp on identical data (no Debian package ships an ALS library).

    altmin_trace --write DIR                         # the m = n = 2000, k = 10, p = 0.05 case
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/numpy_als.py DIR/altmin_case1.txt

The same algorithm as iterum's exact solver with lambda = 0: QR of the fixed factor, then one
batched least-squares solve per row (Gram matrices of all rows at once with a sparse matrix times
the Khatri-Rao rows, np.linalg.solve on the stack). Spectral initialization by scipy's svds.
Prints milliseconds per iteration (median) and the iterations until the observed-entry RMSE is
1e-10 of the values' RMS, with NumPy's and SciPy's versions.
"""
import sys
import time

import numpy as np
import scipy
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def half_step(csr, fixed, k):
    """Rows of the free factor: argmin ||P(x f^T - M)|| row by row, batched."""
    q, _ = np.linalg.qr(fixed)
    n_rows = csr.shape[0]
    # Khatri-Rao rows q_j q_j^T (n x k^2), summed per row by a sparse product.
    outer = np.einsum("ji,jl->jil", q, q).reshape(q.shape[0], k * k)
    pattern = csr.copy()
    pattern.data = np.ones_like(pattern.data)
    grams = (pattern @ outer).reshape(n_rows, k, k)
    rhs = csr @ q
    grams += 1e-12 * np.eye(k)[None, :, :] * np.trace(grams, axis1=1, axis2=2)[:, None, None] / k
    return np.linalg.solve(grams, rhs[:, :, None])[:, :, 0], q


def main():
    path = sys.argv[1]
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    data = np.loadtxt(path)
    i, j, v = data[:, 0].astype(np.int64), data[:, 1].astype(np.int64), data[:, 2]
    m, n = i.max() + 1, j.max() + 1
    csr = sp.csr_matrix((v, (i, j)), shape=(m, n))
    csc_t = sp.csr_matrix((v, (j, i)), shape=(n, m))
    p = len(v) / (m * n)
    t0 = time.perf_counter()
    u, s, _ = spla.svds(csr / p, k=k)
    u = u * np.sqrt(s)
    vfac, _ = half_step(csc_t, u, k)
    init = time.perf_counter() - t0
    rms = np.sqrt(np.mean(v * v))
    times = []
    reached = -1
    for it in range(1, 41):
        t = time.perf_counter()
        u, qv = half_step(csr, vfac, k)
        vfac, qu = half_step(csc_t, u, k)
        times.append(time.perf_counter() - t)
        pred = np.einsum("ij,ij->i", qu[i], vfac[j])
        rmse = np.sqrt(np.mean((pred - v) ** 2))
        if reached < 0 and rmse <= 1e-10 * rms:
            reached = it
            break
    print(f"numpy {np.__version__}, scipy {scipy.__version__}; |Omega| = {len(v)}, k = {k}")
    print(f"init {1e3 * init:.1f} ms; ms per iteration (median of {len(times)}): "
          f"{1e3 * np.median(times):.2f}; iterations to observed RMSE 1e-10 x RMS: {reached}")


if __name__ == "__main__":
    main()
