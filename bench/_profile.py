"""``page_throughput.py --profile``: measured in-process, SQL queries per page, CPU per
request, the cost without the template and the template alone."""

from __future__ import annotations

import gc
import time

from _server import HOST


def _cpu_ms_many(funcs: dict[str, object], *, batch: int = 50, rounds: int = 9) -> dict:
    """CPU time of this process per call of each function, in ms: the functions
    take turns batch by batch and each keeps its best batch, so load from other
    processes hurts them all alike and as little as possible."""
    best = dict.fromkeys(funcs, float("inf"))
    for func in funcs.values():
        func()  # warm up
    for _ in range(rounds):
        for key, func in funcs.items():
            gc.collect()
            gc.disable()  # a collection landing in one batch would blur the comparison
            try:
                started = time.process_time()
                for _ in range(batch):
                    func()
                best[key] = min(best[key], (time.process_time() - started) / batch)
            finally:
                gc.enable()
    return {key: value * 1000 for key, value in best.items()}


def profile_pages(pages: list[tuple[str, str]], session_cookie_name: str, cookie: str) -> None:
    """In this process: queries per page, CPU per request, template share and knock-outs."""
    from django.core.paginator import Page
    from django.db import connection
    from django.db.models import QuerySet
    from django.http import HttpResponse
    from django.template import engines
    from django.test import Client

    from tickets import views

    browser = Client(HTTP_HOST=HOST)
    browser.cookies[session_cookie_name] = cookie.split("=", 1)[1]
    captured = {}
    original_render = views.render

    def capturing_render(request, template_name, context=None, *args, **kwargs):
        captured.update(request=request, template=template_name, context=context)
        return original_render(request, template_name, context, *args, **kwargs)

    def fetch_only(request, template_name, context=None, *args, **kwargs):
        """render() without the template: only evaluate the lazy querysets it would read."""
        for value in (context or {}).values():
            if isinstance(value, QuerySet):
                list(value)
            elif isinstance(value, Page):
                list(value.object_list)
        return HttpResponse("")

    def queries_of(path):
        sql = []

        def record(execute, query, params, many, context):
            sql.append(query)
            return execute(query, params, many, context)

        with connection.execute_wrapper(record):
            response = browser.get(path)
        if response.status_code != 200:
            raise SystemExit(f"profile: {path} answered {response.status_code}")
        return sql, response

    print("profile: in-process (django.test.Client), same settings and database; "
          "CPU ms of this process per call, best batch:")
    for name, path in pages:
        sql, response = queries_of(path)
        request_ms = _cpu_ms_many({"req": lambda path=path: browser.get(path)})["req"]
        print(f"  {name:8} {path:14} {request_ms:5.2f} ms/request, {len(sql)} SQL queries, "
              f"{len(response.content)} bytes")
        for query in sql:
            print(f"           SQL {query[:110]}")
        if name == "healthz":
            continue
        views.render = fetch_only
        try:
            no_template_ms = _cpu_ms_many({"req": lambda path=path: browser.get(path)})["req"]
        finally:
            views.render = original_render
        views.render = capturing_render
        try:
            browser.get(path)
        finally:
            views.render = original_render
        template = engines["jinja2"].get_template(captured["template"])
        request, context = captured["request"], dict(captured["context"])
        render_ms = _cpu_ms_many(
            {"render": lambda t=template, c=context, r=request: t.render(c, r)})["render"]
        print(f"           without the template (middleware, session, client, view, every "
              f"query fetched into models): {no_template_ms:.2f} ms")
        print(f"           template render alone (data already fetched): {render_ms:.2f} ms "
              f"({render_ms / request_ms * 100:.0f}% of the request)")
