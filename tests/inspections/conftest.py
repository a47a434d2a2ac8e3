"""Patrol fixtures: a reopened enterprise of 向阳 with its valid placard."""

import pytest

from enterprises.choices import OperatingStatus
from tests.placards.helpers import approve


@pytest.fixture
def reopened(enterprise_xy, personas):
    placard = approve(enterprise_xy, personas["secretary_xy"])
    enterprise_xy.operating_status = OperatingStatus.REOPENED
    enterprise_xy.save()
    return enterprise_xy, placard
