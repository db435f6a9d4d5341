"""Bitrix jobs and method pauses move to the shared delivery outbox, none lost.

Rows are copied in id order, so each ticket's jobs keep their order (the
queue orders by id). A job a worker held at the time keeps its lease: once it
runs out, the job counts as maybe sent and is looked for before it is sent.
"""

from django.db import migrations

FIELDS = ["kind", "payload", "state", "attempts", "next_attempt_at", "locked_until",
          "uncertain_until", "last_error", "result", "created_at", "done_at"]


def forward(apps, schema_editor):
    OutboxJob = apps.get_model("bitrix_integration", "OutboxJob")
    MethodPause = apps.get_model("bitrix_integration", "MethodPause")
    Job = apps.get_model("delivery", "Job")
    Pause = apps.get_model("delivery", "Pause")
    batch = []
    for old in OutboxJob.objects.order_by("id").iterator(chunk_size=1000):
        payload = dict(old.payload or {})
        if old.message_id:
            payload["message_id"] = old.message_id
        fields = {name: getattr(old, name) for name in FIELDS}
        fields["payload"] = payload
        batch.append(Job(channel="bitrix", key=f"ticket:{old.ticket_id}",
                         ticket_id=old.ticket_id, **fields))
        if len(batch) == 1000:
            Job.objects.bulk_create(batch)
            batch = []
    Job.objects.bulk_create(batch)
    Pause.objects.bulk_create(Pause(channel="bitrix", scope=pause.method, until=pause.until)
                              for pause in MethodPause.objects.all())


def backward(apps, schema_editor):
    OutboxJob = apps.get_model("bitrix_integration", "OutboxJob")
    MethodPause = apps.get_model("bitrix_integration", "MethodPause")
    Job = apps.get_model("delivery", "Job")
    Pause = apps.get_model("delivery", "Pause")
    for job in Job.objects.filter(channel="bitrix").order_by("id").iterator(chunk_size=1000):
        payload = dict(job.payload or {})
        message_id = payload.pop("message_id", None)
        fields = {name: getattr(job, name) for name in FIELDS}
        fields["payload"] = payload
        OutboxJob.objects.create(ticket_id=job.ticket_id, message_id=message_id, **fields)
    for pause in Pause.objects.filter(channel="bitrix"):
        MethodPause.objects.create(method=pause.scope, until=pause.until)
    Job.objects.filter(channel="bitrix").delete()
    Pause.objects.filter(channel="bitrix").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("bitrix_integration", "0003_job_uncertain_until"),
        ("delivery", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
