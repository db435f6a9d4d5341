"""Human Russian for durations and ratings: "2 ч 15 мин", "3 д 4 ч", "45 с"."""


def duration_ru(seconds) -> str:
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} с"
    minutes, _sec = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} мин"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} ч {minutes} мин" if minutes else f"{hours} ч"
    days, hours = divmod(hours, 24)
    return f"{days} д {hours} ч" if hours else f"{days} д"


def number_ru(value, digits=1) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}".replace(".", ",")


def percent_ru(value) -> str:
    """``87,5 %``, or a dash when there is nothing to count yet."""
    return "—" if value is None else f"{number_ru(value)} %"
