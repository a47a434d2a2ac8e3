"""Posts (岗位): who holds which post is a django-guardian grant of the post's permission on its org unit —
a street's officials, its party secretary and its director (Jurisdiction), a department's reviewers
(Department), a patrol team's members (PatrolTeam) — or, for the task force, the liaisons and the
district administrator, the person's role alone. A person acts in one role (``User.role``): all their
posts are of that role. The secretary and the director of a street are held by one person at a time.

Grants are read here from the direct user tables; posts given to a group are shown nowhere and managed
nowhere (the people pages manage persons)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from .models import Role, User


@dataclass(frozen=True)
class PostKind:
    role: str
    model: str = ""  # "org.Jurisdiction" …; "" for a post without an org unit
    codename: str = ""
    single: bool = False  # one holder per unit

    @property
    def perm(self) -> str:
        return f"{self.model.split('.')[0]}.{self.codename}"

    def unit_model(self):
        from django.apps import apps

        return apps.get_model(self.model) if self.model else None


KINDS: dict[str, PostKind] = {
    Role.STREET_STAFF: PostKind(Role.STREET_STAFF, "org.Jurisdiction", "work_in_jurisdiction"),
    Role.STREET_SECRETARY: PostKind(Role.STREET_SECRETARY, "org.Jurisdiction", "sign_as_secretary",
                                    single=True),
    Role.STREET_DIRECTOR: PostKind(Role.STREET_DIRECTOR, "org.Jurisdiction", "sign_as_director",
                                   single=True),
    Role.DEPARTMENT_REVIEWER: PostKind(Role.DEPARTMENT_REVIEWER, "org.Department", "review_for_department"),
    Role.INSPECTOR: PostKind(Role.INSPECTOR, "org.PatrolTeam", "inspect_with_team"),
    Role.TASK_FORCE: PostKind(Role.TASK_FORCE),
    Role.LIAISON: PostKind(Role.LIAISON),  # the enterprises they serve: the liaison workflow (next issues)
    Role.DISTRICT_ADMIN: PostKind(Role.DISTRICT_ADMIN),
}
STREET_POST_ROLES = (Role.STREET_STAFF, Role.STREET_SECRETARY, Role.STREET_DIRECTOR)
# A post on a unit is named "<unit><title>": 向阳街道党工委书记, 工信局审核人, 区第一巡查指导组巡查人员.
TITLES = {
    Role.STREET_STAFF: _("工作人员"), Role.STREET_SECRETARY: _("党工委书记"), Role.STREET_DIRECTOR: _("主任"),
    Role.DEPARTMENT_REVIEWER: _("审核人"), Role.INSPECTOR: _("巡查人员"),
}


@dataclass(frozen=True)
class Post:
    """One post: a role on an org unit (or the role alone)."""

    role: str
    unit: Model | None = None

    @property
    def kind(self) -> PostKind:
        return KINDS[self.role]

    @property
    def unit_id(self) -> int | None:
        return self.unit.pk if self.unit is not None else None

    @property
    def key(self) -> str:
        """How a form names the post: ``street_secretary:3``, ``task_force:``."""
        return f"{self.role}:{self.unit_id or ''}"

    @property
    def jurisdiction_id(self) -> int | None:
        if self.unit is None:
            return None
        if self.kind.model == "org.Jurisdiction":
            return self.unit.pk
        return getattr(self.unit, "jurisdiction_id", None)  # a street's joint patrol team

    @property
    def label(self) -> str:
        if self.unit is None:
            return str(Role(self.role).label)
        return f"{self.unit}{TITLES[self.role]}"

    def __eq__(self, other) -> bool:
        return isinstance(other, Post) and (self.role, self.unit_id) == (other.role, other.unit_id)

    def __hash__(self) -> int:
        return hash((self.role, self.unit_id))

    def __str__(self) -> str:
        return self.label


def _grant_table(model):
    """django-guardian's direct user-permission table of an org model."""
    return model._meta.get_field(f"{model._meta.model_name}userobjectpermission").related_model


def posts_for(users) -> dict[int, list[Post]]:
    """The posts each of ``users`` holds (id → posts, in the order of ``KINDS`` and then of the units):
    one query per org model, whatever the number of users."""
    users = [u for u in users if u.pk is not None]
    order = {role: i for i, role in enumerate(KINDS)}
    found: dict[int, list[Post]] = {u.pk: [] for u in users}
    by_model: dict[str, dict[str, PostKind]] = {}
    for kind in KINDS.values():
        if kind.model:
            by_model.setdefault(kind.model, {})[kind.codename] = kind
        else:
            for user in users:
                if user.role == kind.role:
                    found[user.pk].append(Post(kind.role))
    if users:
        for kinds in by_model.values():
            model = next(iter(kinds.values())).unit_model()
            rows = (_grant_table(model).objects.filter(user_id__in=list(found), permission__codename__in=list(kinds))
                    .select_related("content_object", "permission"))
            for row in rows:
                found[row.user_id].append(Post(kinds[row.permission.codename].role, row.content_object))
    return {pk: sorted(posts, key=lambda p: (order[p.role], p.unit_id or 0)) for pk, posts in found.items()}


def posts_of(user: User) -> list[Post]:
    """The posts ``user`` holds, in the order of ``KINDS`` and then of the units."""
    return posts_for([user]).get(user.pk, [])


def holds(user: User, post: Post) -> bool:
    return post in posts_of(user)


def holders(post: Post, *, exclude: User | None = None) -> list[User]:
    """Who holds ``post`` now (the street's secretary, …)."""
    kind = post.kind
    users = User.objects.all()
    if kind.model:
        model = kind.unit_model()
        name = model._meta.model_name
        users = users.filter(**{f"{name}userobjectpermission__content_object": post.unit,
                                f"{name}userobjectpermission__permission__codename": kind.codename})
    else:
        users = users.filter(role=kind.role)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users.distinct().order_by("pk"))


def all_posts() -> list[Post]:
    """Every post there is: each street's three, each department's, each patrol team's, the others."""
    posts: list[Post] = []
    for kind in KINDS.values():
        if kind.model:
            posts += [Post(kind.role, unit) for unit in kind.unit_model().objects.order_by("pk")]
        else:
            posts.append(Post(kind.role))
    return posts


def post_from_key(key: str) -> Post | None:
    """The post a form names (``Post.key``), or None when there is no such post."""
    role, _sep, unit_id = (key or "").partition(":")
    kind = KINDS.get(role)
    if kind is None:
        return None
    if not kind.model:
        return Post(role) if not unit_id else None
    if not unit_id.isdigit():
        return None
    unit = kind.unit_model().objects.filter(pk=int(unit_id)).first()
    return Post(role, unit) if unit is not None else None


def streets_of(user: User) -> set[int]:
    """The streets where ``user`` holds a post (official, secretary, director)."""
    return {post.unit_id for post in posts_of(user) if post.role in STREET_POST_ROLES}
