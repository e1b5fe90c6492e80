#!/usr/bin/python3
"""Records SciPy/HiGHS solutions of small standard-form LPs as a fixture for iterum's PDHG tests.

Usage (Debian: apt-get install python3-scipy python3-numpy):
    /usr/bin/python3 bench/peers/lp_highs.py > tests/fixed_point/fixtures/lp_highs.txt

The instances, min c^T x subject to A x = b, x >= 0, are rebuilt bit for bit in C++
(tests/support/splitmix.hpp): from SplitMix64(seed), A (m x n) is filled row by row with
uniform [0, 1) entries (so the feasible set is bounded), then x_feas (n uniform entries),
b = A x_feas, then c (n standard normal draws, polar method). The infeasible twin appends the
row A[0, :] with right-hand side b[0] + 1. For each instance the file holds
    lp m n seed objective highs_status scipy_version
    x <n values, 17 significant digits>
    y <m values: the equality marginals d(objective)/d(b), i.e. the dual solution of
       max b^T y subject to A^T y <= c>
    twin <HiGHS status of the infeasible twin> <its message>
"""
import sys

import numpy as np
import scipy
from scipy.optimize import linprog

from splitmix import SplitMix64


def instance(m, n, seed):
    g = SplitMix64(seed)
    a = np.array([[g.next() for _ in range(n)] for _ in range(m)])
    x_feas = np.array([g.next() for _ in range(n)])
    b = a @ x_feas
    c = np.array([g.normal() for _ in range(n)])
    return a, b, c


def main():
    out = sys.stdout
    for m, n, seed in [(8, 20, 11), (12, 30, 12)]:
        a, b, c = instance(m, n, seed)
        res = linprog(c, A_eq=a, b_eq=b, bounds=[(0, None)] * n, method="highs-ds",
                      options={"primal_feasibility_tolerance": 1e-10,
                               "dual_feasibility_tolerance": 1e-10})
        assert res.status == 0, res.message
        out.write(f"lp {m} {n} {seed} {res.fun:.17g} {res.status} scipy-{scipy.__version__}\n")
        out.write("x " + " ".join(f"{v:.17g}" for v in res.x) + "\n")
        out.write("y " + " ".join(f"{v:.17g}" for v in res.eqlin.marginals) + "\n")
        a2 = np.vstack([a, a[0]])
        b2 = np.append(b, b[0] + 1.0)
        twin = linprog(c, A_eq=a2, b_eq=b2, bounds=[(0, None)] * n, method="highs")
        out.write(f"twin {twin.status} {twin.message.replace(chr(10), ' ')}\n")


if __name__ == "__main__":
    main()
