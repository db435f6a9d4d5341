#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportportal.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    # Load settings now: Django's command runner would swallow an
    # ImproperlyConfigured (e.g. "SECRET_KEY is not set") and fail later with
    # an unrelated "Apps aren't loaded yet".
    settings.INSTALLED_APPS  # noqa: B018

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
