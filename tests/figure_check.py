"""What a notebook's figures must not do: tick labels that overlap, a legend over the data.  Run inside the
notebook's kernel after its cells (figures kept open), it prints one line ``FIGURE-CHECK [problems]``."""

import itertools
import json

import matplotlib.pyplot as plt
import numpy as np


def problems() -> list:
    out = []
    for number in plt.get_fignums():
        figure = plt.figure(number)
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        for index, ax in enumerate(figure.axes):
            where = f"figure {number}, axes {index} ({ax.get_title() or ax.get_ylabel() or 'untitled'})"
            for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
                boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in axis.get_ticklabels()
                         if t.get_visible() and t.get_text()]
                for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
                    overlap = box_a.intersection(box_a, box_b)
                    if overlap is not None and overlap.width > 1 and overlap.height > 1:
                        out.append(f"{where}: {name} tick labels {a!r} and {b!r} overlap")
            legend = ax.get_legend()
            if legend is None or not legend.get_visible():
                continue
            box = legend.get_window_extent(renderer)
            for line in ax.get_lines():
                xy = np.asarray(line.get_xydata(), dtype=float)
                xy = xy[np.isfinite(xy).all(axis=1)]
                if not len(xy):
                    continue
                points = ax.transData.transform(xy)
                inside = ((points[:, 0] > box.x0) & (points[:, 0] < box.x1) & (points[:, 1] > box.y0)
                          & (points[:, 1] < box.y1)).sum()
                if inside:
                    out.append(f"{where}: the legend covers {inside} point(s) of {line.get_label()!r}")
    return out


print("FIGURE-CHECK " + json.dumps(problems()))
