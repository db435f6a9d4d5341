"""Every outbox admin page answers 200 for a superuser: delivery's jobs and pauses, and
the Bitrix channel's view of its own jobs (a proxy of the same rows)."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from bitrix_integration.models import InboundEvent, OutboxJob
from delivery.models import Job, Pause
from delivery.services import job_enqueue

pytestmark = pytest.mark.django_db

MODELS = [Job, Pause, OutboxJob, InboundEvent]


@pytest.fixture
def rows(make_ticket, portal_client):
    ticket = make_ticket(portal_client)
    job_enqueue(channel="bitrix", key=f"ticket:{ticket.pk}", kind=OutboxJob.Kind.COMMENT_ADD,
                payload={"COMMENT": "<b>Привет</b>", "message_id": 1}, ticket=ticket)
    dead = job_enqueue(channel="test", key="chat:777000", kind="message", payload={"text": "x"})
    Job.objects.filter(pk=dead.pk).update(state=Job.State.DEAD, attempts=3,
                                          last_error="400: Bad Request: chat not found")
    Pause.objects.create(channel="bitrix", scope="crm.lead.update",
                         until=timezone.now() + timedelta(minutes=5), reason="limit")
    InboundEvent.objects.create(channel=InboundEvent.Channel.JSON, body="{}", action="comment",
                                ticket=ticket, status_code=200)


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def model_id(model):
    return model._meta.model_name


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_changelist_and_every_change_page_answer_200(admin_client, rows, model):
    assert admin_client.get(url(model, "changelist")).status_code == 200
    for pk in model.objects.values_list("pk", flat=True):
        assert admin_client.get(url(model, "change", pk)).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_every_filter_value_and_sortable_column_answers_200(admin_client, rows, model):
    model_admin = admin.site._registry[model]
    changelist = admin_client.get(url(model, "changelist"))
    for spec in changelist.context["cl"].filter_specs:
        for choice in spec.choices(changelist.context["cl"]):
            assert admin_client.get(url(model, "changelist") + choice["query_string"]
                                    ).status_code == 200
    for index in range(len(model_admin.list_display)):
        for order in (f"{index}", f"-{index}"):
            assert admin_client.get(url(model, "changelist"), {"o": order}).status_code == 200


def test_bitrix_view_lists_only_bitrix_jobs_and_escapes_their_text(admin_client, rows):
    page = admin_client.get(url(OutboxJob, "changelist")).content.decode()

    assert "комментарий в ленту" in page and "chat:777000" not in page
    detail = admin_client.get(url(OutboxJob, "change", OutboxJob.objects.get().pk))
    assert "<b>Привет</b>" not in detail.content.decode()


def test_search_by_ticket_number_and_error_text_answers_200(admin_client, rows):
    ticket_id = OutboxJob.objects.get().ticket_id
    found = admin_client.get(url(Job, "changelist"), {"q": str(ticket_id)})
    by_error = admin_client.get(url(Job, "changelist"), {"q": "chat not found"})

    assert list(found.context["cl"].result_list) == list(Job.objects.filter(ticket_id=ticket_id))
    assert [job.key for job in by_error.context["cl"].result_list] == ["chat:777000"]
