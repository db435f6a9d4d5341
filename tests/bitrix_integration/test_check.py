"""``bitrix_check``: one line each — address, secret, scope, CRM mode and entity, rights,
required fields; it only reads."""

import pytest

from tests.fakes.bitrix_server import FakeBitrix
from tests.helpers import manage, manage_env

pytestmark = pytest.mark.django_db


def _check(tmp_path, portal, url=None):
    environment = manage_env(tmp_path / "db.sqlite3", url or portal.url, BITRIX_ENTITY="auto")
    assert manage(environment, "migrate", "-v0").returncode == 0
    return manage(environment, "bitrix_check")


@pytest.fixture
def portal():
    with FakeBitrix(scopes=("crm", "user")) as fake:
        yield fake


def test_a_working_classic_portal_gets_one_line_per_point(tmp_path, portal):
    done = _check(tmp_path, portal)

    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stderr
    assert [line.split(":")[0] for line in lines] == [
        "Адрес http", "Секрет", "Права вебхука (scope)", "Режим CRM", "Права владельца вебхука",
        "Обязательные поля, добавленные порталом"]
    assert "классический" in lines[3] and "лиды" in lines[3]
    assert portal.stats()["leads"] == 0 and "secret" not in done.stdout  # nothing made


def test_simple_mode_says_deals(tmp_path, portal):
    portal.mode = 2

    done = _check(tmp_path, portal)

    assert "простой" in done.stdout and "сделки" in done.stdout


def test_wrong_secret_is_its_own_line(tmp_path, portal):
    done = _check(tmp_path, portal, url=portal.url.replace(portal.secret, "wrong-secret"))

    assert done.returncode == 2 and "Секрет: неверный секрет" in done.stderr
    assert "отвечает" not in done.stdout


def test_missing_crm_scope_is_named(tmp_path, portal):
    portal.scopes = {"user"}

    done = _check(tmp_path, portal)

    assert done.returncode == 2 and "нет crm" in done.stderr and "Секрет: верный." in done.stdout


def test_a_required_field_the_portal_added_is_named(tmp_path, portal):
    portal.required["lead"] = {"UF_CRM_INN": "ИНН"}

    done = _check(tmp_path, portal)

    assert done.returncode == 2 and "UF_CRM_INN" in done.stderr


def test_without_user_scope_it_says_names_will_be_missing(tmp_path, portal):
    portal.scopes = {"crm"}

    done = _check(tmp_path, portal)

    assert done.returncode == 0 and "без имени автора" in done.stdout
