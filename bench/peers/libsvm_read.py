#!/usr/bin/python3
"""scikit-learn's load_svmlight_file against iterum::io::read_libsvm on the same ~100 MB LIBSVM
file, interleaved: each round times one sklearn read in this process, then one run of the
iterum benchmark program (bench/io/libsvm_read_benchmark.cpp, which also generates the file on
first use). Prints MB/s (10^6 bytes of file per second, of wall clock and of the process's
CPU time) per round and the medians. Single-threaded on both sides (OMP_NUM_THREADS=1; load_svmlight_file's parser is
single-threaded Cython).

    OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/libsvm_read.py \\
        --binary build/bench/libsvm_read_benchmark [--file PATH] [--rounds 7]

Needs Debian's python3-sklearn. --file defaults to data/libsvm_100mb.svm next to the binary's
directory (where bench/CMakeLists.txt makes the benchmark write it).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import sklearn  # noqa: E402
from sklearn.datasets import load_svmlight_file  # noqa: E402


def iterum_seconds(binary, path):
    env = dict(os.environ, ITERUM_LIBSVM_BENCH_FILE=path)
    out = subprocess.run(
        [binary, "--benchmark_format=json", "--benchmark_min_time=0.01"],
        env=env, check=True, capture_output=True, text=True).stdout
    run = json.loads(out)["benchmarks"][0]
    assert run["time_unit"] == "ms"
    return run["real_time"] / 1e3, run["cpu_time"] / 1e3


def sklearn_seconds(path):
    start, cpu = time.perf_counter(), time.process_time()
    x, y = load_svmlight_file(path)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert x.shape[0] == y.shape[0]
    return elapsed, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--file")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    path = args.file or os.path.join(os.path.dirname(os.path.abspath(args.binary)), "data",
                                     "libsvm_100mb.svm")
    iterum_seconds(args.binary, path)  # generates the file if needed, warms the page cache
    mb = os.path.getsize(path) / 1e6
    print(f"file {path}: {mb:.1f} MB; scikit-learn {sklearn.__version__}")
    print("MB/s by wall clock and by CPU time of the process (steadier on a loaded machine)")
    print(f"{'round':>6} {'iterum wall':>12} {'sklearn wall':>13} {'iterum cpu':>11} {'sklearn cpu':>12}")
    rows = []
    for r in range(args.rounds):
        ours = iterum_seconds(args.binary, path)
        theirs = sklearn_seconds(path)
        rows.append([mb / ours[0], mb / theirs[0], mb / ours[1], mb / theirs[1]])
        print(f"{r:6d} {rows[-1][0]:12.1f} {rows[-1][1]:13.1f} {rows[-1][2]:11.1f} {rows[-1][3]:12.1f}")
    med = [statistics.median(col) for col in zip(*rows)]
    print(f"median {med[0]:12.1f} {med[1]:13.1f} {med[2]:11.1f} {med[3]:12.1f}")
    print(f"ratio iterum/sklearn: wall {med[0] / med[1]:.2f}, cpu {med[2] / med[3]:.2f}")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
