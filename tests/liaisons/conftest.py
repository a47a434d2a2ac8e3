"""Liaison fixtures: 向阳's enterprise with its liaison and its firm account, a livelihood firm."""

import pytest

from enterprises.choices import Category
from enterprises.models import LiaisonAssignment
from tests.conftest import firm_of
from tests.factories import EnterpriseFactory


@pytest.fixture
def firm(personas, enterprise_xy):
    """enterprise_xy with liaison_xy stationed in it and firm_xy its own account (and 向阳's official and
    工信局's reviewer there before anything is raised: personas are made on first use)."""
    personas["staff_xy"], personas["dept_gxj"]
    LiaisonAssignment.objects.create(liaison=personas["liaison_xy"], enterprise=enterprise_xy)
    firm_of(personas["firm_xy"], enterprise_xy)
    return enterprise_xy


@pytest.fixture
def livelihood(personas, xy, gxj):
    enterprise = EnterpriseFactory(jurisdiction=xy, department=gxj, category=Category.LIVELIHOOD)
    LiaisonAssignment.objects.create(liaison=personas["liaison_xy"], enterprise=enterprise)
    firm_of(personas["firm_xy"], enterprise)
    return enterprise
