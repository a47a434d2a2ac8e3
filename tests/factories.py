import factory

from enterprises.models import Enterprise
from enterprises.validators import make_credit_code


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"烟台测试{n:05d}商贸有限公司")
    credit_code = factory.Sequence(lambda n: make_credit_code("370602", 90000000 + n))
    scale = "small"
    category = "general"
    address = factory.Sequence(lambda n: f"烟台市芝罘区南大街{n}号")
    legal_representative = "王伟"
    prevention_contact = "李娜"
    prevention_mobile = "13800138000"
    employee_count = 20
