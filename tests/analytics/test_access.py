"""Who may open the analytics dashboard: a permission, which «Менеджеры» have."""

import pytest
from django.contrib.auth.models import Group

from tests.helpers import logged_in_as
from tickets.permissions import MANAGERS_GROUP

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/analytics/"



def test_staff_user_without_permissions_is_refused_the_dashboard(django_user_model):
    staff = django_user_model.objects.create_user(username="intern", is_staff=True)

    assert logged_in_as(staff).get(DASHBOARD).status_code == 403


def test_a_manager_in_the_managers_group_opens_the_dashboard(django_user_model):
    manager = django_user_model.objects.create_user(username="irina", is_staff=True)
    manager.groups.add(Group.objects.get(name=MANAGERS_GROUP))

    assert logged_in_as(manager).get(DASHBOARD).status_code == 200
