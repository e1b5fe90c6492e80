#!/usr/bin/python3
"""scikit-learn's load_svmlight_file against iterum::io::read_libsvm on the same ~100 MB LIBSVM
file, interleaved: each round times one sklearn read in this process, then one run of the
iterum benchmark program (bench/io/libsvm_read_benchmark.cpp, which also generates the file on
first use). Prints MB/s (10^6 bytes of file per second of wall clock) per round and the
medians. Single-threaded on both sides (OMP_NUM_THREADS=1; load_svmlight_file's parser is
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

from sklearn.datasets import load_svmlight_file  # noqa: E402


def iterum_seconds(binary, path):
    env = dict(os.environ, ITERUM_LIBSVM_BENCH_FILE=path)
    out = subprocess.run(
        [binary, "--benchmark_format=json", "--benchmark_min_time=0.01"],
        env=env, check=True, capture_output=True, text=True).stdout
    run = json.loads(out)["benchmarks"][0]
    assert run["time_unit"] == "ms"
    return run["real_time"] / 1e3


def sklearn_seconds(path):
    start = time.perf_counter()
    x, y = load_svmlight_file(path)
    elapsed = time.perf_counter() - start
    assert x.shape[0] == y.shape[0]
    return elapsed


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
    print(f"file {path}: {mb:.1f} MB")
    print(f"{'round':>5} {'iterum MB/s':>12} {'sklearn MB/s':>13}")
    ours, theirs = [], []
    for r in range(args.rounds):
        ours.append(mb / iterum_seconds(args.binary, path))
        theirs.append(mb / sklearn_seconds(path))
        print(f"{r:5d} {ours[-1]:12.1f} {theirs[-1]:13.1f}")
    mo, mt = statistics.median(ours), statistics.median(theirs)
    print(f"median {mo:11.1f} {mt:13.1f}   ratio iterum/sklearn {mo / mt:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
