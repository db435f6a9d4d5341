"""An SMS provider's credentials and the code in the text never reach an SmsError.

The error is logged (``otp_send``) and its traceback may be: neither its text
nor a chained exception may carry the api_id, the password or the code.
"""

import traceback

import pytest
import requests
import responses

from tickets import sms
from tickets.sms import SmsError

PHONE = "+79991234567"
CODE = "482913"
TEXT = f"Код для входа в портал поддержки: {CODE}. Никому его не сообщайте."
API_ID = "8F1C2D3E-smsru-api-id-0001"
PASSWORD = "smsc-password-9q8w7e"


@pytest.fixture
def mocked():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture(autouse=True)
def credentials(settings):
    settings.SMSRU_API_ID, settings.SMS_SENDER = API_ID, ""
    settings.SMSC_LOGIN, settings.SMSC_PASSWORD = "portal", PASSWORD


def _printed(error):
    return "".join(traceback.format_exception(error))


def test_smsru_transport_error_echoing_the_request_hides_api_id_and_code(mocked):
    mocked.post(sms.SmsRuBackend.url, body=requests.ConnectionError(
        f"proxy refused POST /sms/send?api_id={API_ID}&msg={TEXT}"))

    with pytest.raises(SmsError) as info:
        sms.SmsRuBackend().send(PHONE, TEXT)

    assert info.value.retryable
    for secret in (API_ID, CODE):
        assert secret not in _printed(info.value)
    assert "api_id=***" in str(info.value)


def test_smsc_unexpected_answer_echoing_the_request_hides_password_and_code(mocked):
    mocked.post(sms.SmscBackend.url, json={"cnt": 1, "request": {"psw": PASSWORD, "mes": TEXT}})

    with pytest.raises(SmsError, match="unexpected answer") as info:
        sms.SmscBackend().send(PHONE, TEXT)

    for secret in (PASSWORD, CODE):
        assert secret not in _printed(info.value)
