"""Attachments in an S3-compatible store (ATTACHMENTS_STORAGE=s3), against a real S3 API:
moto's server on 127.0.0.1, built from the same environment variables as production."""

import io
import json
import zipfile

import environ
import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import StorageHandler
from django.test import Client as HttpClient

from supportportal.storage import attachments_storage_config
from tickets import services
from tickets.models import Attachment
from tickets.selectors import SESSION_CLIENT_KEY

from .data_fixtures import use_storage

moto_server = pytest.importorskip("moto.server", reason="moto[server] (requirements-dev.txt)")
boto3 = pytest.importorskip("boto3")
pytestmark = pytest.mark.django_db
BUCKET = "portal-attachments"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, monkeypatch, tmp_path):
    """The attachments storage as ATTACHMENTS_STORAGE=s3 and its variables make it."""
    for name, value in {"ATTACHMENTS_STORAGE": "s3", "ATTACHMENTS_S3_BUCKET": BUCKET,
                        "ATTACHMENTS_S3_ENDPOINT_URL": s3_endpoint,
                        "ATTACHMENTS_S3_ACCESS_KEY": "test-access",
                        "ATTACHMENTS_S3_SECRET_KEY": "test-secret",
                        "ATTACHMENTS_S3_REGION": "us-east-1",
                        "ATTACHMENTS_S3_PREFIX": "portal"}.items():
        monkeypatch.setenv(name, value)
    config = attachments_storage_config(environ.Env(), local_dir=tmp_path)
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    api = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                       aws_access_key_id="test-access", aws_secret_access_key="test-secret")
    if BUCKET not in [b["Name"] for b in api.list_buckets()["Buckets"]]:
        api.create_bucket(Bucket=BUCKET)
    storage = StorageHandler({"attachments": config})["attachments"]
    use_storage(monkeypatch, storage)
    return {"api": api, "storage": storage}


def _keys(api):
    return [o["Key"] for o in api.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_file_is_saved_read_exported_and_erased_through_s3(
        s3, portal_client, make_ticket, make_message, django_capture_on_commit_callbacks):
    api, storage = s3["api"], s3["storage"]
    ticket = make_ticket(portal_client)
    message = make_message(ticket, "Вот снимок экрана", author_kind="client", source="portal")
    attachment = Attachment(ticket=ticket, message=message, name="экран.png",
                            content_type="image/png", size=11)
    attachment.file.save("экран.png", ContentFile(b"PNG content"), save=False)
    attachment.save()

    key = f"portal/{attachment.file.name}"
    assert key in _keys(api)
    with storage.open(attachment.file.name, "rb") as stored:
        assert stored.read() == b"PNG content"
    # Private: only the owner may read it, and no link carries a signature to share.
    grants = api.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert "Signature" not in storage.url(attachment.file.name)

    http = HttpClient()
    session = http.session
    session[SESSION_CLIENT_KEY] = portal_client.pk
    session.save()
    response = http.get("/me/export/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    path = json.loads(archive.read("data.json"))["tickets"][0]["messages"][0][
        "attachments"][0]["file"]
    assert archive.read(path) == b"PNG content"

    lead = get_user_model().objects.create_user(username="lead", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.client_erase(erasure=services.erasure_request(client=portal_client), by=lead)

    assert key not in _keys(api)
    attachment.refresh_from_db()
    assert attachment.removed_at is not None and attachment.file.name == ""


def test_s3_without_a_bucket_refuses_to_start(monkeypatch, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("ATTACHMENTS_STORAGE", "s3")
    monkeypatch.delenv("ATTACHMENTS_S3_BUCKET", raising=False)

    with pytest.raises(ImproperlyConfigured, match="ATTACHMENTS_S3_BUCKET"):
        attachments_storage_config(environ.Env(), local_dir=tmp_path)
