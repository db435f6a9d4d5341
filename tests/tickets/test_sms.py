"""SMS backends: provider request shapes and how each failure becomes ``SmsError``."""

import logging
from urllib.parse import parse_qs

import pytest
import requests
import responses

from tickets import sms
from tickets.sms import SmsError

PHONE = "+79991234567"
TEXT = "Код для входа в портал поддержки: 123456. Никому его не сообщайте."
SMSRU_URL = "https://sms.ru/sms/send"
SMSC_URL = "https://smsc.ru/sys/send.php"


@pytest.fixture
def mocked():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def smsru(settings):
    settings.SMSRU_API_ID, settings.SMS_SENDER = "api-id-1", ""
    return sms.SmsRuBackend()


@pytest.fixture
def smsc(settings):
    settings.SMSC_LOGIN, settings.SMSC_PASSWORD, settings.SMS_SENDER = "portal", "secret", ""
    return sms.SmscBackend()


def sent_form(mock):
    [call] = mock.calls
    return {key: values[0] for key, values in parse_qs(call.request.body).items()}


def smsru_ok(number="79991234567"):
    return {"status": "OK", "status_code": 100, "balance": 4122.56,
            "sms": {number: {"status": "OK", "status_code": 100, "sms_id": "000000-10000000"}}}


# --- SMS.ru ----------------------------------------------------------------------------------


def test_smsru_posts_api_id_number_text_and_json_flag(smsru, mocked):
    mocked.post(SMSRU_URL, json=smsru_ok())

    smsru.send(PHONE, TEXT)

    assert mocked.calls[0].request.url == SMSRU_URL
    assert sent_form(mocked) == {"api_id": "api-id-1", "to": "79991234567", "msg": TEXT,
                                 "json": "1"}


def test_smsru_sends_the_sender_name_when_configured(smsru, mocked, settings):
    settings.SMS_SENDER = "Portal"
    mocked.post(SMSRU_URL, json=smsru_ok())

    smsru.send(PHONE, TEXT)

    assert sent_form(mocked)["from"] == "Portal"


def test_smsru_top_level_error_raises_sms_error(smsru, mocked):
    mocked.post(SMSRU_URL, json={"status": "ERROR", "status_code": 200,
                                 "status_text": "Неправильный api_id"})

    with pytest.raises(SmsError, match="200") as excinfo:
        smsru.send(PHONE, TEXT)

    assert excinfo.value.retryable is False


@pytest.mark.parametrize("status_code, status_text", [
    (202, "Неправильно указан номер телефона получателя"),
    (207, "На этот номер нельзя отправлять сообщения"),
])
def test_smsru_per_number_error_raises_sms_error(smsru, mocked, status_code, status_text):
    mocked.post(SMSRU_URL, json={
        "status": "OK", "status_code": 100, "balance": 10,
        "sms": {"79991234567": {"status": "ERROR", "status_code": status_code,
                                "status_text": status_text}},
    })

    with pytest.raises(SmsError, match=str(status_code)):
        smsru.send(PHONE, TEXT)


def test_smsru_answer_without_our_number_raises_sms_error(smsru, mocked):
    mocked.post(SMSRU_URL, json=smsru_ok(number="70000000000"))

    with pytest.raises(SmsError, match="no result"):
        smsru.send(PHONE, TEXT)


def test_smsru_http_500_is_retryable(smsru, mocked):
    mocked.post(SMSRU_URL, status=500, body="Internal Server Error")

    with pytest.raises(SmsError, match="HTTP 500") as excinfo:
        smsru.send(PHONE, TEXT)

    assert excinfo.value.retryable is True


@pytest.mark.parametrize("failure", [
    requests.ConnectTimeout("timed out"),
    requests.ReadTimeout("read timed out"),
    requests.ConnectionError("connection refused"),
])
def test_smsru_timeout_or_connection_error_is_retryable(smsru, mocked, failure):
    mocked.post(SMSRU_URL, body=failure)

    with pytest.raises(SmsError) as excinfo:
        smsru.send(PHONE, TEXT)

    assert excinfo.value.retryable is True


def test_smsru_passes_the_configured_timeout(smsru, mocked, settings, monkeypatch):
    settings.SMS_TIMEOUT = 3.5
    seen = {}
    real_post = requests.post
    monkeypatch.setattr(sms.requests, "post",
                        lambda *a, **kw: seen.update(kw) or real_post(*a, **kw))
    mocked.post(SMSRU_URL, json=smsru_ok())

    smsru.send(PHONE, TEXT)

    assert seen["timeout"] == 3.5


@pytest.mark.parametrize("body", ["<html>Bad gateway</html>", "100\n000000-10000000"])
def test_smsru_non_json_answer_raises_sms_error(smsru, mocked, body):
    mocked.post(SMSRU_URL, body=body, content_type="text/html")

    with pytest.raises(SmsError, match="not JSON"):
        smsru.send(PHONE, TEXT)


def test_smsru_json_that_is_not_an_object_raises_sms_error(smsru, mocked):
    mocked.post(SMSRU_URL, json=["OK"])

    with pytest.raises(SmsError, match="unexpected answer"):
        smsru.send(PHONE, TEXT)


# --- SMSC.ru ---------------------------------------------------------------------------------


def test_smsc_posts_login_password_number_text_and_format(smsc, mocked):
    mocked.post(SMSC_URL, json={"id": 42, "cnt": 1})

    smsc.send(PHONE, TEXT)

    assert mocked.calls[0].request.url == SMSC_URL
    assert sent_form(mocked) == {"login": "portal", "psw": "secret", "phones": "79991234567",
                                 "mes": TEXT, "fmt": "3", "charset": "utf-8"}


@pytest.mark.parametrize("error_code, error, retryable", [
    (2, "authorise error", False),
    (3, "no money", False),
    (4, "IP address is temporarily blocked", False),
    (7, "invalid number", False),
    (9, "duplicate request, wait a minute", True),
])
def test_smsc_error_raises_sms_error_retryable_only_when_too_frequent(
        smsc, mocked, error_code, error, retryable):
    mocked.post(SMSC_URL, json={"error": error, "error_code": error_code})

    with pytest.raises(SmsError, match=error) as excinfo:
        smsc.send(PHONE, TEXT)

    assert excinfo.value.retryable is retryable


def test_smsc_answer_without_id_raises_sms_error(smsc, mocked):
    mocked.post(SMSC_URL, json={"cnt": 1})

    with pytest.raises(SmsError, match="unexpected answer"):
        smsc.send(PHONE, TEXT)


def test_smsc_http_503_is_retryable(smsc, mocked):
    mocked.post(SMSC_URL, status=503)

    with pytest.raises(SmsError) as excinfo:
        smsc.send(PHONE, TEXT)

    assert excinfo.value.retryable is True


# --- file and console ------------------------------------------------------------------------


def test_file_backend_writes_phone_then_text_in_utf8(tmp_path):
    sms.FileBackend(directory=tmp_path).send(PHONE, TEXT)

    [path] = tmp_path.glob("*.txt")
    assert path.read_bytes().decode("utf-8").splitlines() == [PHONE, TEXT]


def test_file_backend_writes_one_file_per_sms(tmp_path):
    backend = sms.FileBackend(directory=tmp_path / "sms")

    backend.send(PHONE, "первое")
    backend.send(PHONE, "второе")

    texts = sorted(p.read_text(encoding="utf-8") for p in (tmp_path / "sms").glob("*.txt"))
    assert texts == [f"{PHONE}\nвторое\n", f"{PHONE}\nпервое\n"]


def test_file_backend_uses_sms_file_dir_by_default(settings, tmp_path):
    settings.SMS_FILE_DIR = tmp_path

    sms.FileBackend().send(PHONE, TEXT)

    assert len(list(tmp_path.glob("*.txt"))) == 1


def test_file_backend_unwritable_directory_raises_sms_error(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")

    with pytest.raises(SmsError):
        sms.FileBackend(directory=blocker).send(PHONE, TEXT)


def test_console_backend_logs_the_text(caplog):
    with caplog.at_level(logging.INFO, logger="tickets.sms"):
        sms.ConsoleBackend().send(PHONE, TEXT)

    assert any(PHONE in r.getMessage() and TEXT in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("name, backend_class", [
    ("console", sms.ConsoleBackend), ("file", sms.FileBackend),
    ("smsru", sms.SmsRuBackend), ("smsc", sms.SmscBackend),
])
def test_get_backend_picks_the_configured_backend(settings, name, backend_class):
    settings.SMS_BACKEND = name

    assert type(sms.get_backend()) is backend_class


def test_file_backend_writes_owner_only_files_in_an_owner_only_directory(tmp_path):
    directory = tmp_path / "spool" / "sms"

    sms.FileBackend(directory).send(PHONE, TEXT)

    [path] = directory.iterdir()
    assert directory.stat().st_mode & 0o777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600
