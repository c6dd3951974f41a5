"""Pages of the editorial workflow: sign-in, dashboard, draft editing and review, history, audit."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from etsatlas.schema import Factsheet
from etsatlas.schema.loading import dump_factsheet_yaml
from etsatlas.web.atlas.models import System

from . import permissions, throttle, workflow
from .diffing import diff
from .forms import DiffForm, DraftForm, ReviewForm
from .models import AuditEntry, DraftState, FactsheetDraft, FactsheetVersion


def throttled(view):
    """Refuse sign-in attempts (429) while the account or the address is locked out."""

    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            until = throttle.locked_until(request.POST.get("username", "")[:150], request.META.get("REMOTE_ADDR"))
            if until is not None:
                seconds = max(1, int((until - timezone.now()).total_seconds()))
                response = render(request, "accounts/locked.html", {"seconds": seconds, "minutes": -(-seconds // 60)}, status=429)
                response["Retry-After"] = str(seconds)
                return response
        return view(request, *args, **kwargs)

    wrapper.__name__ = getattr(view, "__name__", "login")
    return wrapper


login = throttled(auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True,
                                                 next_page="accounts:dashboard"))
logout = auth_views.LogoutView.as_view(next_page="/")


@login_required
def dashboard(request):
    user = request.user
    mine = FactsheetDraft.objects.filter(author=user).select_related("system")[:50]
    queue = []
    if permissions.can_review(user):
        queue = FactsheetDraft.objects.filter(state=DraftState.SUBMITTED).select_related("system", "author")[:100]
    editable = System.objects.order_by("name").only("id", "name", "short_name")
    if not permissions.can_review(user):
        editable = editable.filter(pk__in=permissions.jurisdictions_of(user))
    return render(request, "accounts/dashboard.html", {
        "role": permissions.role_of(user), "drafts": mine, "queue": queue, "systems": editable,
        "can_audit": permissions.can_read_audit(user),
    })


def _editable_system(request, system_id: str) -> System:
    system = get_object_or_404(System, pk=system_id)
    if not permissions.can_edit_system(request.user, system_id):
        raise PermissionDenied(f"you may not edit {system_id}")
    return system


@login_required
def edit(request, system_id: str):
    """Create a draft of a factsheet, or continue an open one (?draft=ID)."""
    system = _editable_system(request, system_id)
    draft = None
    if request.GET.get("draft", "").isdigit():
        draft = get_object_or_404(FactsheetDraft, pk=int(request.GET["draft"]), system=system)
        if not permissions.can_change_draft(request.user, draft):
            raise PermissionDenied("only the author or a reviewer may change this draft")
    problems, conflict = [], None
    if request.method == "POST":
        form = DraftForm(request.POST)
        if form.is_valid():
            try:
                draft = workflow.save_draft(
                    request.user, system_id, json.loads(json.dumps(form.cleaned_data["document"], default=str)),
                    note=form.cleaned_data["note"], base_version=form.cleaned_data["base_version"], draft=draft,
                )
            except workflow.WorkflowError as exc:
                problems = exc.details if isinstance(exc.details, list) else [{"field": exc.field or "", "message": exc.message}]
                conflict = exc if exc.code == "conflict" else None
            else:
                messages.success(request, f"Draft {draft.pk} saved.")
                return redirect("accounts:draft", pk=draft.pk)
    else:
        source = Factsheet.model_validate(draft.data if draft else system.data)
        form = DraftForm(initial={
            "base_version": draft.base_version if draft else system.version,
            "document": dump_factsheet_yaml(source), "note": draft.note if draft else "",
        })
    return render(request, "accounts/edit.html", {
        "system": system, "form": form, "draft": draft, "problems": problems, "conflict": conflict,
    })


def _visible_draft(request, pk: int) -> FactsheetDraft:
    draft = get_object_or_404(FactsheetDraft.objects.select_related("system", "author", "reviewer"), pk=pk)
    if not permissions.can_view_draft(request.user, draft):
        raise Http404("no such draft")
    return draft


@login_required
def draft_detail(request, pk: int):
    draft = _visible_draft(request, pk)
    base = workflow.version_data(draft.system_id, draft.base_version)
    return render(request, "accounts/draft.html", {
        "draft": draft, "changes": diff(base, draft.data) if base else [],
        "stale": draft.is_open and draft.base_version != draft.system.version,
        "can_change": permissions.can_change_draft(request.user, draft),
        "can_review": permissions.can_review(request.user), "review_form": ReviewForm(),
    })


@login_required
@require_POST
def draft_action(request, pk: int, action: str):
    draft = _visible_draft(request, pk)
    if action == "submit" and not permissions.can_change_draft(request.user, draft):
        raise PermissionDenied("only the author or a reviewer may submit this draft")
    if action in {"approve", "reject"} and not permissions.can_review(request.user):
        raise PermissionDenied("only reviewers may review drafts")
    form = ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if action == "submit":
            workflow.submit(request.user, draft)
            messages.success(request, "Submitted for review.")
        elif action == "approve":
            version = workflow.approve(request.user, draft)
            messages.success(request, f"Published as version {version.version}.")
        elif action == "reject":
            workflow.reject(request.user, draft, comment)
            messages.success(request, "Sent back to the author.")
        else:
            raise Http404("unknown action")
    except workflow.WorkflowError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:draft", pk=draft.pk)


def history(request, system_id: str):
    """Every published version, with a field-level diff between any two (public: readers see published data)."""
    system = get_object_or_404(System, pk=system_id)
    versions = list(FactsheetVersion.objects.filter(system=system).select_related("published_by", "author"))
    form = DiffForm(request.GET or None)
    changes, pair = None, None
    if form.is_valid():
        a, b = form.cleaned_data["a"], form.cleaned_data["b"]
        old, new = workflow.version_data(system_id, a), workflow.version_data(system_id, b)
        if old is None or new is None:
            form.add_error(None, f"{system_id} has no version {a if old is None else b}")
        else:
            changes, pair = diff(old, new), (a, b)
    return render(request, "accounts/history.html", {
        "system": system, "versions": versions, "form": form, "changes": changes, "pair": pair,
        "can_restore": permissions.can_review(request.user),
    })


@login_required
@require_POST
def restore(request, system_id: str, version: int):
    if not permissions.can_review(request.user):
        raise PermissionDenied("only reviewers may restore versions")
    try:
        new = workflow.restore(request.user, system_id, version)
        messages.success(request, f"Version {version} restored as version {new.version}.")
    except workflow.WorkflowError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:history", system_id=system_id)


@login_required
def audit_log(request):
    if not permissions.can_read_audit(request.user):
        raise PermissionDenied("only administrators may read the audit log")
    entries = AuditEntry.objects.all()
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action=action[:64].replace("\x00", ""))
    return render(request, "accounts/audit.html", {"entries": entries[:500], "action": action})
