#!/usr/bin/env python3
"""Plot residual traces written by the bench programs.

Usage: plot_traces.py IN.csv OUT.png [--x epochs] [--title T]

IN.csv has the columns problem,method,iterations,oracle_calls,epochs,residual,seconds (one row
per certificate evaluation). The figure has one subplot per problem and one line per method:
residual (log scale) against the chosen x column (default: epochs).
"""

import argparse
import csv
from collections import OrderedDict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLUMNS = ["problem", "method", "iterations", "oracle_calls", "epochs", "residual", "seconds"]


def read_traces(path):
    """{problem: {method: ([x values by column], ...)}} in file order."""
    problems = OrderedDict()
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != COLUMNS:
            raise SystemExit(f"{path}: expected columns {','.join(COLUMNS)}, got {reader.fieldnames}")
        for row in reader:
            methods = problems.setdefault(row["problem"], OrderedDict())
            trace = methods.setdefault(row["method"], {c: [] for c in COLUMNS[2:]})
            for c in COLUMNS[2:]:
                trace[c].append(float(row[c]))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--x", default="epochs", choices=COLUMNS[2:5] + ["seconds"])
    parser.add_argument("--title", default=None)
    args = parser.parse_args()

    problems = read_traces(args.input)
    if not problems:
        raise SystemExit(f"{args.input}: no rows")
    fig, axes = plt.subplots(1, len(problems), figsize=(9 * len(problems), 6), squeeze=False)
    for ax, (problem, methods) in zip(axes[0], problems.items()):
        colors = plt.get_cmap("tab10" if len(methods) <= 10 else "tab20").colors
        styles = ["-", "--", "-.", ":"]
        for k, (method, trace) in enumerate(methods.items()):
            points = [(x, y) for x, y in zip(trace[args.x], trace["residual"]) if y > 0]
            if points:
                ax.plot(*zip(*points), label=method, linewidth=1.5,
                        color=colors[k % len(colors)], linestyle=styles[(k // 2) % len(styles)])
        ax.set_yscale("log")
        ax.set_xlabel(args.x)
        ax.set_ylabel("residual")
        ax.set_title(problem)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    if args.title:
        fig.suptitle(args.title)
    fig.tight_layout()
    fig.savefig(args.output, dpi=110)


if __name__ == "__main__":
    main()
