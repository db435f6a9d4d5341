"""The delivery outbox in admin: «Отправить снова» on the changelist."""

from delivery.models import Job
from delivery.senders import Failed

from .helpers import refreshed

CHANGELIST = "/admin/delivery/job/"


def retry_action(admin_client, *jobs):
    return admin_client.post(CHANGELIST, {"action": "retry",
                                          "_selected_action": [job.pk for job in jobs]})


def dead_job(enqueue, one_pass, provider):
    job = enqueue()
    provider.script[job.pk] = [Failed("400 bad request", retryable=False)]
    one_pass()
    return job


def test_changelist_lists_the_jobs(admin_client, enqueue):
    enqueue("chat:42")

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    assert "chat:42" in response.content.decode()


def test_retry_action_calls_job_retry_with_the_selected_jobs(
        admin_client, enqueue, one_pass, provider, monkeypatch):
    job = dead_job(enqueue, one_pass, provider)
    seen = []
    monkeypatch.setattr("delivery.admin.job_retry",
                        lambda jobs: seen.append(sorted(jobs.values_list("pk", flat=True))) or 1)

    retry_action(admin_client, job)

    assert seen == [[job.pk]]


def test_job_retried_from_admin_is_delivered_by_the_next_pass(
        admin_client, enqueue, one_pass, provider):
    job = dead_job(enqueue, one_pass, provider)

    response = retry_action(admin_client, job)
    one_pass()

    assert response.status_code == 302
    assert refreshed(job)[0].state == Job.State.DONE


def test_retry_action_says_how_many_jobs_went_back(admin_client, enqueue, one_pass, provider):
    job = dead_job(enqueue, one_pass, provider)

    response = admin_client.post(CHANGELIST, {"action": "retry", "_selected_action": [job.pk]},
                                 follow=True)

    assert "Снова в очереди: 1." in response.content.decode()


def test_admin_cannot_add_jobs(admin_client):
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403

