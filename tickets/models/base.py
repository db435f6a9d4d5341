"""What every model module of the app shares."""

from django.db import models


def choice_label(field_name: str, choices: type[models.Choices]):
    """A ``get_<field>_display`` that looks the label up in a dict built once.

    Django's own rebuilds and translates the field's whole list of choices on
    every call; a page of twenty tickets with two labels each spent a fifth of
    its render on that. Same result: the translated label, or the raw value.
    Django keeps a method defined in the class body instead of adding its own.
    """
    labels = dict(choices.choices)

    def display(self) -> str:
        value = getattr(self, field_name)
        label = labels.get(value)
        return value if label is None else str(label)

    display.__name__ = f"get_{field_name}_display"
    return display
