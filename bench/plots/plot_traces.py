#!/usr/bin/python3
"""Plots convergence traces written by iterum's benchmark programs.

Usage:
    /usr/bin/python3 bench/plots/plot_traces.py IN.csv OUT.png \
        [--x iterations|oracle_calls|epochs|seconds] [--title T] [--ylabel L] [--xlabel L]

IN.csv has the header problem,method,iterations,oracle_calls,epochs,residual,seconds and one
row per recorded point. The figure has one subplot per problem (in order of first appearance)
and one line per method in it: the residual column on a log scale against the chosen x column.
Non-positive residuals (an exact solution) cannot be drawn on a log scale and are skipped.
Needs matplotlib (Debian: apt-get install python3-matplotlib); no seaborn.
"""
import argparse
import csv
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

COLUMNS = ["problem", "method", "iterations", "oracle_calls", "epochs", "residual", "seconds"]
X_LABELS = {
    "iterations": "iterations",
    "oracle_calls": "oracle calls (evaluations of the map)",
    "epochs": "epochs (passes over the data)",
    "seconds": "seconds (wall clock)",
}


def read_traces(path):
    """Returns {problem: {method: ([x...], {column: [values...]})}} in file order."""
    traces = {}
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            sys.exit(f"plot_traces.py: {path} lacks the column(s) {', '.join(missing)}")
        for row in reader:
            series = traces.setdefault(row["problem"], {}).setdefault(row["method"], {})
            for column in COLUMNS[2:]:
                series.setdefault(column, []).append(float(row[column]))
    return traces


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", help="CSV written by a benchmark program")
    parser.add_argument("output", help="PNG to write")
    parser.add_argument("--x", choices=sorted(X_LABELS), default="iterations",
                        help="the x axis (default: iterations)")
    parser.add_argument("--title", default=None, help="figure title")
    parser.add_argument("--xlabel", default=None,
                        help="label of the x axis (default: what the --x column measures)")
    parser.add_argument("--ylabel", default="residual",
                        help="what the residual column is (default: residual)")
    args = parser.parse_args()

    traces = read_traces(args.input)
    if not traces:
        sys.exit(f"plot_traces.py: {args.input} has no rows")
    count = len(traces)
    columns = min(count, 2)
    rows = math.ceil(count / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(6.4 * columns, 4.4 * rows), squeeze=False)
    for ax, (problem, methods) in zip(axes.flat, traces.items()):
        # More than ten methods (the matrix game) would repeat tab10's colours: use tab20 and
        # vary the line style so that every line stays distinguishable.
        colors = plt.get_cmap("tab10" if len(methods) <= 10 else "tab20").colors
        styles = ["-", "--", "-.", ":"]
        for k, (method, series) in enumerate(methods.items()):
            points = [(x, r) for x, r in zip(series[args.x], series["residual"]) if r > 0]
            if not points:
                continue
            xs, rs = zip(*points)
            ax.plot(xs, rs, label=method, linewidth=1.3, color=colors[k % len(colors)],
                    linestyle=styles[(k // 2) % len(styles)] if len(methods) > 5 else "-",
                    marker="o" if len(xs) <= 20 else None, markersize=4)
        ax.set_yscale("log")
        ax.set_title(problem)
        ax.set_xlabel(args.xlabel or X_LABELS[args.x])
        ax.set_ylabel(args.ylabel)
        ax.grid(True, which="major", alpha=0.5)
        ax.grid(True, which="minor", alpha=0.15)
        ax.legend(fontsize="small")
    for ax in list(axes.flat)[count:]:
        ax.set_visible(False)
    if args.title:
        fig.suptitle(args.title)
    fig.tight_layout()
    fig.savefig(args.output, dpi=110)


if __name__ == "__main__":
    main()
