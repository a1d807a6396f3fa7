"""Small helpers every HTML route uses."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Annotated, Any, NamedTuple, TypeVar
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from app.core.deps import verify_csrf
from app.core.errors import AppError
from app.core.routing import SegmentRouter
from app.core.templating import flash

T = TypeVar("T")

#: Refusals that still become the error page instead of a message on the page the form came
#: from: sign in first, not allowed, or a record that does not exist (or is hidden from them).
ERROR_PAGE_STATUSES: frozenset[int] = frozenset({401, 403, 404})


def page_router() -> SegmentRouter:
    """An HTML router: CSRF-checked on every unsafe method, hidden from the API schema, and
    passed over at once by a request for a path none of its pages serves."""
    return SegmentRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])


def redirect(url: str) -> RedirectResponse:
    """Post/redirect/get: a 303 so the browser follows with GET.

    Only to a path of this site: ``url`` often comes from a form's ``back`` field, and a
    forged one must not send people elsewhere (it goes to the home page instead).
    """
    return RedirectResponse(safe_next(url), status_code=303)


def safe_next(url: str | None, default: str = "/") -> str:
    """Only same-site paths, so a login link cannot send people elsewhere."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return default


# Handlers that query the database, hash passwords or build files are plain ``def`` so that
# FastAPI runs them in its thread pool; they receive the form through these dependencies, which
# await the request body on the event loop before the handler starts.


async def submitted_form(request: Request) -> FormData:
    """The whole submitted form: repeated fields and uploaded files included."""
    return await request.form()


async def form_data(request: Request) -> dict[str, Any]:
    """Submitted form fields as a plain dict of strings (empty values dropped)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and v.strip() != ""}


#: The form's non-empty text fields (``form_data``).
FormValues = Annotated[dict[str, Any], Depends(form_data)]
#: The form as Starlette parsed it, for ``getlist`` and uploads (``submitted_form``).
SubmittedForm = Annotated[FormData, Depends(submitted_form)]


class Upload(NamedTuple):
    filename: str
    data: bytes


def uploaded_file(form: FormData, field: str = "file", *, limit: int = -1) -> Upload | None:
    """The file chosen in ``field`` (its first ``limit`` bytes when given), or None if none was.

    It reads synchronously, as the plain-``def`` handler calling it runs in a worker thread.
    """
    upload = form.get(field)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return Upload(upload.filename, upload.file.read(limit))


def nest(data: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Collect ``prefix.x`` fields into a nested dict for a sub-schema."""
    start = prefix + "."
    return {k[len(start) :]: v for k, v in data.items() if k.startswith(start)}


def list_url(path: str, params: dict[str, Any]) -> str:
    """``path`` with the non-empty filters as a query string, for pagination links."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{path}?{query}" if query else path


def refusal_message(exc: AppError) -> str:
    """What a refused form action tells the user: the reason, and the fields' problems."""
    errors = exc.extra.get("errors") or {}
    message = exc.detail
    if errors and "；".join(errors.values()) != message:
        message = f"{message}：{'；'.join(errors.values())}"
    return message


def act_and_redirect(
    request: Request,
    session: Session,
    run: Callable[[], T],
    *,
    back: str | Callable[[T], str],
    done: str | Callable[[T], str],
    refused_back: str | Callable[[AppError], str] | None = None,
    raise_statuses: Collection[int] = ERROR_PAGE_STATUSES,
) -> RedirectResponse:
    """Run a form button's action and redirect back with its outcome as a flash message.

    ``run`` executes in a savepoint. On success ``done`` (or ``done(result)``) is flashed and
    the browser goes to ``back`` (or ``back(result)``, say the record just created). A refusal
    (``AppError``) undoes the action's writes, unless the error asks to keep them
    (``keep_changes``), and flashes ``refusal_message`` before going to ``refused_back``
    (``back`` when not given, which then must be a path; a callable chooses by the error).
    Refusals whose status is in ``raise_statuses`` are re-raised for the error page instead.
    """
    if refused_back is None:
        if not isinstance(back, str):
            raise TypeError("a back that depends on the result needs a refused_back")
        refused_back = back
    savepoint = session.begin_nested()
    try:
        result = run()
    except AppError as exc:
        if exc.keep_changes:
            savepoint.commit()
        else:
            savepoint.rollback()
        if exc.status_code in raise_statuses:
            raise
        flash(request, refusal_message(exc), "error")
        return redirect(refused_back(exc) if callable(refused_back) else refused_back)
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    flash(request, done if isinstance(done, str) else done(result))
    return redirect(back if isinstance(back, str) else back(result))
