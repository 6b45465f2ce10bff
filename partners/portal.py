"""
The expert-partner portal at /partners/: a partner's people list their organisation's submissions, submit
one with a form or many with a CSV file, and answer the registry's questions.

It shows a partner what the API shows its clients and nothing more: every query starts from the partner's own
submissions (another partner's id is a 404, the same as an unknown one), and no page names the analysts,
the registry's likely matches or its internal reasons. Submitting and answering go through the same
validation, services and per-partner rate as the API. Only users of an active partner get in; staff sign in
to the admin, which partners' users (never staff) cannot.
"""

import csv
import functools
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from entities.choices import NameType
from entities.countries import country_name
from entities.services import CurationError, NotAllowed
from partners import services
from partners.choices import MessageAuthor, SubmissionStatus
from partners.forms import AnswerForm, SubmissionForm, UploadForm
from partners.limits import submit_allowed
from partners.models import Submission
from partners.validation import COLUMN_NAMES, COLUMNS, SubmissionInvalid, parse_upload, validate

PAGE_SIZE = 25
# Who wrote a message, as the partner reads it: never which analyst, nor which of its own people.
AUTHORS = {MessageAuthor.REGISTRY: "Registry analysts", MessageAuthor.PARTNER: "Your organisation"}
# The template's example row: it passes validation, so a partner can try an upload with it as it is.
EXAMPLE_ROW = {
    "kind": "organisation", "name": "Example Liberation Front", "aliases": "ELF;Front for Example",
    "nationalities": "Kenya", "rationale": "Claimed two attacks on civilians in its own channels.",
    "evidence_url": "https://example.org/report", "evidence_summary": "Claim of responsibility",
    "evidence_off_platform": "yes", "evidence_captured_at": "2026-01-15", "request": "designation",
}


class LoginView(auth.LoginView):
    """The admin's accounts, signing in to the portal: what a partner's user sees after it is their list."""

    template_name = "partners/login.html"
    next_page = reverse_lazy("partners:submissions")


def partner_view(view):
    """
    A portal page: anonymous users go to the portal's login, signed-in users of no active partner get a 403,
    and the view is called with the partner's actor. Never cached: the pages are the partner's own.
    """

    @functools.wraps(view)
    @never_cache
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("partners:login"))
        try:
            actor = services.partner_actor(user=request.user)
        except NotAllowed as refusal:
            return render(request, "partners/forbidden.html", {"reason": str(refusal)}, status=403)
        return view(request, actor, *args, **kwargs)

    return wrapped


def over_rate(request, actor, template: str, context: dict):
    """The page again, with 429 and why, when the partner is over its submission rate; else None."""
    allowed, wait = submit_allowed(actor.partner)
    if allowed:
        return None
    minutes = -(-wait // 60)
    refusal = (f"Your organisation has sent more than its rate of submissions and answers "
               f"({settings.PARTNER_SUBMIT_RATE}). Nothing was stored: try again in {minutes} minute"
               f"{'s' if minutes != 1 else ''}.")
    response = render(request, template, {**context, "partner": actor.partner, "refusal": refusal}, status=429)
    response["Retry-After"] = str(wait)
    return response


@partner_view
def submission_list(request, actor):
    submissions = Submission.objects.of(actor.partner)
    page = Paginator(submissions, PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = submissions.filter(status=SubmissionStatus.INFORMATION_REQUESTED).count()
    return render(request, "partners/submission_list.html", {
        "partner": actor.partner, "page": page, "waiting": waiting, "asked": SubmissionStatus.INFORMATION_REQUESTED})


@partner_view
@require_http_methods(["GET", "POST"])
def submission_new(request, actor):
    form = SubmissionForm(request.POST) if request.method == "POST" else SubmissionForm()
    context = {"form": form}
    if request.method == "POST":
        refused = over_rate(request, actor, "partners/submission_form.html", context)
        if refused:
            return refused
        form.is_valid()  # the form only carries the text; validate() holds the rules
        try:
            made = services.submit(actor=actor, rows=validate(form.submission()))
        except SubmissionInvalid as invalid:
            form.show_errors(invalid.errors)
        else:
            messages.success(request, "Submission received: the registry screens it and its analysts review it.")
            return redirect("partners:submission", pk=made[0].pk)
    return render(request, "partners/submission_form.html", {**context, "partner": actor.partner})


@partner_view
@require_http_methods(["GET", "POST"])
def submission_upload(request, actor):
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    context = {"form": form, "columns": COLUMNS, "cap": settings.PARTNER_UPLOAD_MAX_BYTES,
               "batch_max": settings.PARTNER_BATCH_MAX}
    status = 200
    if request.method == "POST":
        refused = over_rate(request, actor, "partners/submission_upload.html", context)
        if refused:
            return refused
        if form.is_valid():
            try:
                made = services.submit(actor=actor, rows=parse_upload(form.cleaned_data["file"]))
            except SubmissionInvalid as invalid:
                context["errors"] = invalid.errors
                status = 413 if invalid.status == 413 else 200
            else:
                messages.success(request, f"{len(made)} submission{'s' if len(made) != 1 else ''} received.")
                return redirect("partners:submissions")
    return render(request, "partners/submission_upload.html", {**context, "partner": actor.partner}, status=status)


@partner_view
def csv_template(request, actor):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerow([EXAMPLE_ROW.get(name, "") for name in COLUMN_NAMES])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="submissions-template.csv"'
    return response


@partner_view
def submission_detail(request, actor, pk):
    submission = own_submission(actor, pk)
    return render_detail(request, actor, submission, AnswerForm())


@partner_view
@require_POST
def submission_answer(request, actor, pk):
    submission = own_submission(actor, pk)
    form = AnswerForm(request.POST)
    refused = over_rate(request, actor, "partners/submission_detail.html", detail_context(submission, form))
    if refused:
        return refused
    if not form.is_valid():
        return render_detail(request, actor, submission, form)
    try:
        services.answer(submission=submission, actor=actor, body=form.cleaned_data["body"])
    except CurationError as error:  # no question waits (any more), or the answer is not one
        messages.error(request, str(error))
    else:
        messages.success(request, "Answer sent: the submission is back in review.")
    return redirect("partners:submission", pk=submission.pk)


def own_submission(actor, pk) -> Submission:
    """One of the partner's own submissions; any other id, another partner's or none, is the same 404."""
    return get_object_or_404(Submission.objects.of(actor.partner).select_related("entity"), pk=pk)


def render_detail(request, actor, submission: Submission, form: AnswerForm):
    return render(request, "partners/submission_detail.html",
                  {**detail_context(submission, form), "partner": actor.partner})


def detail_context(submission: Submission, form: AnswerForm) -> dict:
    """What the partner may read of its submission: what it sent, where it stands, and the conversation."""
    return {
        "submission": submission,
        "names": [{"name": name["name"], "type": NameType(name["type"]).label} for name in submission.names],
        "nationalities": [f"{country_name(code)} ({code})" for code in submission.nationalities],
        # Validation lets only http(s) addresses in; a link is made of nothing else all the same.
        "evidence": [{**item, "linked": item["url"].lower().startswith(("http://", "https://"))}
                     for item in submission.evidence],
        "entity": submission.public_entity_id,
        "conversation": [{"author": AUTHORS[message.author], "body": message.body, "at": message.created_at}
                         for message in submission.messages.all()],
        "answerable": submission.status == SubmissionStatus.INFORMATION_REQUESTED,
        "form": form,
    }
