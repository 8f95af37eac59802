"""Geometry for the server-rendered SVG charts (radar, trend lines, distribution strip). The product runs
on an intranet: no chart library, no CDN. These functions compute coordinates; the markup lives in
templates/monitoring/_*.svg.html (autoescaped)."""
import math

RADAR_SIZE, RADAR_RADIUS = 320, 110
TREND_WIDTH, TREND_HEIGHT, TREND_PAD = 560, 220, 36
STRIP_WIDTH, STRIP_HEIGHT, STRIP_PAD = 560, 70, 20


def _points(values, centre, radius):
    n = len(values)
    found = []
    for k, v in enumerate(values):
        angle = -math.pi / 2 + 2 * math.pi * k / n
        r = radius * max(min((v or 0) / 100, 1), 0)
        found.append((round(centre + r * math.cos(angle), 1), round(centre + r * math.sin(angle), 1)))
    return found


def radar(labels: list[str], series: list[dict]) -> dict:
    """series: [{"name", "values" (0–100, None drawn at the centre), "css"}] over the same axes."""
    c, r, n = RADAR_SIZE / 2, RADAR_RADIUS, len(labels)
    rings = [" ".join(f"{x},{y}" for x, y in _points([p] * n, c, r)) for p in (25, 50, 75, 100)]
    axes = []
    for (x, y), label in zip(_points([100] * n, c, r), labels):
        lx, ly = _points([100] * n, c, r + 26)[labels.index(label)]
        axes.append({"x": x, "y": y, "lx": lx, "ly": ly, "label": label})
    drawn = [{**s, "points": " ".join(f"{x},{y}" for x, y in _points(s["values"], c, r))} for s in series]
    return {"size": RADAR_SIZE, "c": c, "rings": rings, "axes": axes, "series": drawn}


def trend(periods: list[str], labels: list[str], series: list[dict]) -> dict:
    """series: [{"name", "values" aligned with periods (None: a gap), "css"}]; y from 0 to 100."""
    n = max(len(periods), 2)
    inner_w, inner_h = TREND_WIDTH - 2 * TREND_PAD, TREND_HEIGHT - 2 * TREND_PAD

    def x(k):
        return round(TREND_PAD + inner_w * k / (n - 1), 1)

    def y(v):
        return round(TREND_PAD + inner_h * (1 - max(min(v, 100), 0) / 100), 1)

    drawn = []
    for s in series:
        segments, current, dots = [], [], []
        for k, v in enumerate(s["values"]):
            if v is None:
                if current:
                    segments.append(current)
                current = []
                continue
            current.append(f"{x(k)},{y(v)}")
            dots.append({"x": x(k), "y": y(v), "v": round(v, 1)})
        if current:
            segments.append(current)
        drawn.append({**s, "paths": [" ".join(p) for p in segments], "dots": dots})
    ticks = [{"x": x(k), "label": label} for k, label in enumerate(labels)]
    grid = [{"y": y(v), "v": v} for v in (0, 25, 50, 75, 100)]
    return {"width": TREND_WIDTH, "height": TREND_HEIGHT, "pad": TREND_PAD, "right": TREND_WIDTH - TREND_PAD,
            "series": drawn, "ticks": ticks, "grid": grid}


def strip(points: list[dict], highlight=None) -> dict:
    """A class's distribution on one indicator: points [{"key", "name", "score"}] on a 0–100 line."""
    inner = STRIP_WIDTH - 2 * STRIP_PAD
    drawn = [{**p, "x": round(STRIP_PAD + inner * p["score"] / 100, 1), "own": p["key"] == highlight} for p in points]
    return {"width": STRIP_WIDTH, "height": STRIP_HEIGHT, "pad": STRIP_PAD, "right": STRIP_WIDTH - STRIP_PAD,
            "mid": STRIP_HEIGHT / 2, "points": drawn}
