import pytest

from tests.factories import EnterpriseFactory


@pytest.fixture
def large_xy(xy, gxj):
    """A large enterprise of 向阳街道 under 工信局 (three-party chain)."""
    return EnterpriseFactory(jurisdiction=xy, department=gxj, scale="large", employee_count=500)


@pytest.fixture
def staff(personas):
    return personas["staff_xy"]


@pytest.fixture
def reviewer(personas):
    """The second official of 向阳街道: takes the street step of what ``staff`` filed."""
    from tests.approvals.helpers import colleague

    return colleague(personas["staff_xy"])
