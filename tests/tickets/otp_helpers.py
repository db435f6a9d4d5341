"""What the one-time code tests share: a phone, an address, a browser, and short calls."""

import pytest

from tickets import services
from tickets.services import OtpError

PHONE = "+79991234567"
IP = "203.0.113.7"
OWNER = "browser-of-the-client"  # what a browser session holds to own its codes


def login(code, phone=PHONE, owner=OWNER, ip=IP):
    return str(services.otp_verify(phone=phone, code=code, owner=owner, ip=ip).phone)


def refused(call, **kwargs):
    with pytest.raises(OtpError) as excinfo:
        call(**kwargs)
    return excinfo.value


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"
