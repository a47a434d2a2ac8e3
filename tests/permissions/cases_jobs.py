from tests.permissions.spec import Case


def build_jobs(world):
    from zhifu_reopen.jobs import job_create

    world.job_staff_xy = job_create(kind="import", user=world.users["staff_xy"], total=1)


CASES = [
    # A job belongs to whoever started it; nobody else can see it.
    Case("jobs:detail", args=lambda w: [w.job_staff_xy.pk], allowed={"staff_xy": 200}, default=404),
    Case("jobs:download", args=lambda w: [w.job_staff_xy.pk], allowed={"staff_xy": 404}, default=404,
         note="not finished yet: no file for anyone"),
]
