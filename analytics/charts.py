"""Small server-side charts: no JavaScript, no CDN, readable by a screen reader.

Bars are an HTML table (real text, whatever the screen width; the bar is decoration);
the daily lines are an SVG with y-axis ticks, a name and a summary for assistive
technology (``role="img"``, ``<title>``, ``<desc>``) and the same figures as a table.
"""

from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from tickets.formatting import MONTHS_SHORT, day_month

FONT = 13  # px in the drawing's own units; the page never shows it smaller on a desktop


def _no_data():
    return format_html('<p class="help">{}</p>', _("Нет данных за период."))


def bars(rows, *, title=""):
    """Horizontal bars: ``[(label, count), …]``, as a table named ``title``."""
    if not rows:
        return _no_data()
    top = max(count for _label, count in rows) or 1
    body = format_html_join("", (
        '<tr><th scope="row">{}</th><td><span class="an-bar" style="width:{}%"></span>'
        '<span class="an-count">{}</span></td></tr>'
    ), ((label, round(count * 85 / top, 1), count) for label, count in rows))
    return format_html('<table class="an-bars"><caption class="visually-hidden">{}</caption>'
                       '<thead class="visually-hidden"><tr><th scope="col">{}</th>'
                       '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
                       title, _("Что"), _("Заявок"), body)


def _nice_top(value):
    """The axis' top: 1, 2 or 5 times a power of ten, at least ``value``."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def day_label(day: date) -> str:
    return f"{day.day} {MONTHS_SHORT[day.month - 1]}"


def lines(days, series, *, title, width=720, height=240):
    """Daily lines: ``days`` = dates, ``series`` = ``[(name, color, [values…]), …]``."""
    if not days:
        return _no_data()
    left, bottom, top_pad = 44, 30, 26
    top = _nice_top(max([max(values or [0]) for _n, _c, values in series] + [1]))
    plot = height - bottom - top_pad
    step = (width - left - 28) / max(len(days) - 1, 1)

    def point(i, value):
        return round(left + i * step, 1), round(top_pad + plot * (1 - value / top), 1)

    paths = format_html_join("", '<polyline fill="none" stroke="{}" stroke-width="2.5" '
                                 'points="{}"></polyline>', (
        (color, " ".join("{},{}".format(*point(i, v)) for i, v in enumerate(values)))
        for _name, color, values in series
    ))
    ticks = sorted({0, top // 2 if top % 2 == 0 else top / 2, top})
    y_axis = format_html_join("", (
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#c8c8c8" stroke-width="1"></line>'
        '<text x="{}" y="{}" font-size="{}" text-anchor="end" fill="currentColor">{}</text>'
    ), ((left, width - 20, point(0, t)[1], point(0, t)[1], left - 6, point(0, t)[1] + 4, FONT,
         f"{t:g}") for t in ticks))
    every = max(1, -(-len(days) // 8))  # at most eight dates: 13 px labels never touch
    x_axis = format_html_join("", '<text x="{}" y="{}" font-size="{}" text-anchor="middle" '
                                  'fill="currentColor">{}</text>', (
        (point(i, 0)[0], height - 8, FONT, day_label(day))
        for i, day in enumerate(days) if i % every == 0
    ))
    legend = format_html_join("", '<text x="{}" y="16" font-size="{}" fill="{}">■ {}</text>', (
        (left + k * 120, FONT, color, name) for k, (name, color, _v) in enumerate(series)
    ))
    summary = "; ".join(
        _("%(name)s — всего %(total)s, больше всего %(max)s за день") % {
            "name": name, "total": sum(values), "max": max(values or [0])}
        for name, _color, values in series)
    period = _("с %(start)s по %(end)s") % {"start": day_month(days[0]),
                                            "end": day_month(days[-1])}
    svg = format_html(
        '<svg viewBox="0 0 {} {}" width="100%" role="img" aria-labelledby="an-daily-title '
        'an-daily-desc" class="an-lines" style="max-width:{}px"><title id="an-daily-title">{}'
        '</title><desc id="an-daily-desc">{}. {}.</desc>{}{}{}{}</svg>',
        width, height, width, title, capfirst(period), capfirst(summary), y_axis, paths, x_axis, legend)
    head = format_html_join("", '<th scope="col">{}</th>', ((name,) for name, _c, _v in series))
    rows = format_html_join("", "<tr><th scope=\"row\">{}</th>{}</tr>", (
        (day_month(day), format_html_join("", "<td>{}</td>", ((values[i],)
                                                              for _n, _c, values in series)))
        for i, day in enumerate(days)
    ))
    table = format_html('<details class="an-table"><summary>{}</summary><table><thead><tr>'
                        '<th scope="col">{}</th>{}</tr></thead><tbody>{}</tbody></table>'
                        '</details>', _("Те же цифры таблицей"), _("День"), head, rows)
    return format_html("{}{}", svg, table)
