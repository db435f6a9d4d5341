"""The Jinja2 ``url()``: argument-free names are reversed once, yet follow the prefix."""

from django.urls import clear_script_prefix, set_script_prefix

from supportportal.templating import url


def test_url_follows_the_script_prefix_it_is_served_under():
    try:
        assert url("tickets:list") == "/tickets/"
        set_script_prefix("/support/")
        assert url("tickets:list") == "/support/tickets/"
        assert url("tickets:detail", 7) == "/support/tickets/7/"
        assert url("tickets:detail", ticket_id=7) == "/support/tickets/7/"
    finally:
        clear_script_prefix()
    assert url("tickets:list") == "/tickets/"
