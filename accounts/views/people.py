"""The people pages (人员与岗位): the people a manager sees, a person's posts and history, and the forms
that appoint, move and end posts and open, stop, restart and reset accounts — every write through
``accounts.services.people``; a refusal is the page again with the table's reason and a 4xx."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhifu_reopen.audit_display import entries_present
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry
from zhifu_reopen.params import id_param

from ..forms import (
    AccountForm,
    AppointForm,
    EndForm,
    MoveForm,
    PasswordResetForm,
    PeopleFilterForm,
    ReasonForm,
)
from ..http import roles_required
from ..models import Role, User
from ..posts import Post, all_posts, posts_for, posts_of
from ..rules import ACCOUNT_ACTIONS, NOT_VISIBLE, PEOPLE_ROLES, TABLE, PostChange
from ..selectors import people_visible, person_get
from ..services import people as services

PAGE_SIZE = 100
HISTORY_SIZE = 100


def post_options(user) -> list[Post]:
    """The posts ``user`` may appoint someone to (the table's ``create`` as to who, for any person)."""
    return [post for post in all_posts() if TABLE.may(user, "create", PostChange(None, post), on_page=True)]


def _person(request, pk: int) -> User:
    try:
        return person_get(request.user, pk)
    except User.DoesNotExist as exc:
        raise Http404(NOT_VISIBLE) from exc


def _status(exc: DomainError) -> int:
    return 403 if exc.code == "forbidden" else exc.status_code


@roles_required(*PEOPLE_ROLES)
@require_GET
def people_list(request):
    form = PeopleFilterForm(request.GET or None)
    people = people_visible(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            term = data["q"].strip()
            people = people.filter(Q(full_name__contains=term) | Q(username__icontains=term))
        if data["role"] == "none":
            people = people.filter(role="")
        elif data["role"]:
            people = people.filter(role=data["role"])
        if data["status"]:
            people = people.filter(is_active=data["status"] == "active")
    total = people.count()
    after = id_param(request.GET, "after")
    page = people.order_by("id")
    if after:
        page = page.filter(id__gt=after)
    rows = list(page[: PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    posts = posts_for(rows)
    params = request.GET.copy()
    params.pop("after", None)
    return render(request, "accounts/people/list.html", {
        "form": form, "total": total, "filter_query": params.urlencode(),
        "rows": [{"person": p, "posts": posts[p.pk], "post_labels": [q.label for q in posts[p.pk]]} for p in rows],
        "next_after": rows[-1].pk if has_next and rows else None,
        "may_create": bool(post_options(request.user)),
    })


def _detail_context(request, person: User, **extra) -> dict:
    user = request.user
    held = posts_of(person)
    options = post_options(user)

    def offered(action, **kw):
        verdict = TABLE.may(user, action, PostChange(person, current=held, **kw), on_page=True)
        return verdict.allowed or verdict.check == "one_role"  # the guard explains itself on submit

    appointable = [p for p in options if p not in held and offered("appoint", post=p)]
    endable = [p for p in held if TABLE.may(user, "end", PostChange(person, p, current=held), on_page=True)]
    movable_to = [p for p in options if p not in held]
    movable_from = endable if movable_to else []
    history = AuditEntry.objects.filter(target_type="accounts.user", target_id=person.pk).select_related("actor")
    context = {
        "person": person,
        "role_label": Role(person.role).label if person.role in Role.values else "",
        "posts": [{"post": p, "may_end": p in endable} for p in held],
        "allowed": {a: TABLE.may(user, a, person, on_page=True).allowed for a in ACCOUNT_ACTIONS},
        "appoint_form": AppointForm(posts=appointable) if appointable and person.is_active else None,
        "move_form": MoveForm(held=movable_from, posts=movable_to) if movable_from and person.is_active else None,
        "reason_form": ReasonForm(),
        "history": entries_present(history[:HISTORY_SIZE]),
    }
    context.update(extra)
    return context


def _detail_page(request, person: User, *, status: int = 200, **extra):
    return render(request, "accounts/people/detail.html", _detail_context(request, person, **extra), status=status)


@roles_required(*PEOPLE_ROLES)
@require_GET
def person_detail(request, pk: int):
    return _detail_page(request, _person(request, pk))


def _refused(request, person: User, exc: DomainError):
    person.refresh_from_db()
    return _detail_page(request, person, status=_status(exc), error=exc.message, error_messages=exc.messages)


def _invalid(request, person: User, form):
    errors = [e for field_errors in form.errors.values() for e in field_errors]
    return _detail_page(request, person, status=400, error=_("请检查填写的内容："), error_messages=errors)


@roles_required(*PEOPLE_ROLES)
@require_POST
def post_appoint(request, pk: int):
    person = _person(request, pk)
    form = AppointForm(request.POST, posts=post_options(request.user))
    if not form.is_valid():
        return _invalid(request, person, form)
    post = form.cleaned_data["post"]
    try:
        ended = services.post_appoint(actor=request.user, person=person, post=post,
                                      reason=form.cleaned_data["reason"], agency=form.cleaned_data["agency"])
    except DomainError as exc:
        return _refused(request, person, exc)
    done = _("已任命%(p)s为%(post)s。") % {"p": person, "post": post}
    if ended:
        done += _("原任%(who)s的该岗位同时结束。") % {"who": "、".join(str(u) for u in ended)}
    messages.success(request, done)
    return redirect("people:detail", person.pk)


@roles_required(*PEOPLE_ROLES)
@require_POST
def post_move(request, pk: int):
    person = _person(request, pk)
    form = MoveForm(request.POST, held=posts_of(person), posts=post_options(request.user))
    if not form.is_valid():
        return _invalid(request, person, form)
    data = form.cleaned_data
    try:
        services.post_move(actor=request.user, person=person, leaving=data["leaving"], post=data["post"],
                           reason=data["reason"], agency=data["agency"])
    except DomainError as exc:
        return _refused(request, person, exc)
    messages.success(request, _("%(p)s已由%(a)s调任%(b)s。") % {"p": person, "a": data["leaving"], "b": data["post"]})
    return redirect("people:detail", person.pk)


@roles_required(*PEOPLE_ROLES)
@require_POST
def post_end(request, pk: int):
    person = _person(request, pk)
    form = EndForm(request.POST, held=posts_of(person))
    if not form.is_valid():
        return _invalid(request, person, form)
    post = form.cleaned_data["post"]
    try:
        services.post_end(actor=request.user, person=person, post=post, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        return _refused(request, person, exc)
    messages.success(request, _("%(p)s的%(post)s岗位已结束。") % {"p": person, "post": post})
    return redirect("people:detail", person.pk)


def _account_action(request, pk: int, service, done: str):
    person = _person(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _invalid(request, person, form)
    try:
        service(actor=request.user, person=person, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        return _refused(request, person, exc)
    messages.success(request, done % {"p": person})
    return redirect("people:detail", person.pk)


@roles_required(*PEOPLE_ROLES)
@require_POST
def account_deactivate(request, pk: int):
    return _account_action(request, pk, services.account_deactivate, _("%(p)s的账号已停用。"))


@roles_required(*PEOPLE_ROLES)
@require_POST
def account_reactivate(request, pk: int):
    return _account_action(request, pk, services.account_reactivate, _("%(p)s的账号已启用。"))


@roles_required(*PEOPLE_ROLES)
@require_POST
def password_reset(request, pk: int):
    """The one-time link is shown once, on this answer (not kept anywhere)."""
    person = _person(request, pk)
    form = PasswordResetForm(request.POST)
    if not form.is_valid():  # e.g. a reason longer than allowed: said, nothing changed (400)
        return _invalid(request, person, form)
    try:
        path = services.password_reset_link(actor=request.user, person=person,
                                            reason=form.cleaned_data.get("reason", ""))
    except DomainError as exc:
        return _refused(request, person, exc)
    person.refresh_from_db()
    return _detail_page(request, person, link=request.build_absolute_uri(path))


@roles_required(*PEOPLE_ROLES)
def account_create(request):
    user = request.user
    options = post_options(user)
    post_required = not TABLE.may(user, "create", PostChange(None, None), on_page=True).allowed
    form = AccountForm(request.POST or None, posts=options, post_required=post_required)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                person, path = services.account_create(
                    actor=user, username=data["username"], full_name=data["full_name"], mobile=data["mobile"],
                    email=data["email"], post=data["post"], reason=data["reason"], agency=data["agency"])
            except DomainError as exc:
                form.add_error(None, exc.message)
                for message in exc.messages:
                    form.add_error(None, message)
                status = _status(exc)
            else:
                messages.success(request, _("已新建账号%(p)s。") % {"p": person})
                return _detail_page(request, person, link=request.build_absolute_uri(path), status=201)
        else:
            status = 400
    return render(request, "accounts/people/create.html", {"form": form, "back": reverse("people:list")},
                  status=status)
