"""Small server-side SVG charts: no JavaScript, no CDN."""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

BAR_HEIGHT, GAP, LABEL_WIDTH, WIDTH = 22, 6, 190, 560


def bars(rows):
    """Horizontal bars: ``[(label, count), …]``."""
    if not rows:
        return format_html('<p class="help">{}</p>', _("Нет данных за период."))
    top = max(count for _label, count in rows) or 1
    height = len(rows) * (BAR_HEIGHT + GAP)
    scale = (WIDTH - LABEL_WIDTH - 50) / top
    items = format_html_join("", (
        '<text x="{}" y="{}" text-anchor="end" font-size="13">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="#2557d6"></rect>'
        '<text x="{}" y="{}" font-size="13">{}</text>'
    ), (
        (LABEL_WIDTH - 8, i * (BAR_HEIGHT + GAP) + 16, str(label)[:28],
         LABEL_WIDTH, i * (BAR_HEIGHT + GAP), round(count * scale, 1), BAR_HEIGHT,
         LABEL_WIDTH + count * scale + 6, i * (BAR_HEIGHT + GAP) + 16, count)
        for i, (label, count) in enumerate(rows)
    ))
    return format_html('<svg viewBox="0 0 {} {}" width="100%" role="img" '
                       'style="max-width:{}px">{}</svg>', WIDTH, height, WIDTH, items)


def lines(labels, series, *, width=720, height=220):
    """Daily lines: ``series`` = ``[(name, color, [values…]), …]``."""
    if not labels:
        return format_html('<p class="help">{}</p>', _("Нет данных за период."))
    left, bottom, top_pad = 36, 28, 12
    top = max([max(values or [0]) for _n, _c, values in series] + [1])
    step = (width - left - 24) / max(len(labels) - 1, 1)  # room for the last day's label

    def point(i, value):
        return (round(left + i * step, 1),
                round(top_pad + (height - bottom - top_pad) * (1 - value / top), 1))

    paths = format_html_join("", '<polyline fill="none" stroke="{}" stroke-width="2" '
                                 'points="{}"></polyline>', (
        (color, " ".join("{},{}".format(*point(i, v)) for i, v in enumerate(values)))
        for _name, color, values in series
    ))
    every = max(1, len(labels) // 10)
    ticks = format_html_join("", '<text x="{}" y="{}" font-size="11" '
                                 'text-anchor="middle">{}</text>', (
        (point(i, 0)[0], height - 8, label) for i, label in enumerate(labels) if i % every == 0
    ))
    legend = format_html_join("", '<text x="{}" y="12" font-size="12" fill="{}">■ {}</text>', (
        (left + 10 + k * 110, color, name) for k, (name, color, _v) in enumerate(series)
    ))
    axis = format_html('<text x="4" y="{}" font-size="11">{}</text>'
                       '<text x="4" y="{}" font-size="11">0</text>', top_pad + 10, top,
                       height - bottom)
    return format_html('<svg viewBox="0 0 {} {}" width="100%" role="img" '
                       'style="max-width:{}px">{}{}{}{}</svg>',
                       width, height, width, axis, paths, ticks, legend)
