"""The workflow's Screen port at the booth: :class:`UiScreen` turns the workflow's screen
commands into the UI bridge's views (capture, assistant, form to confirm, locker, rating,
done)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from kiosk.core.catalog import Service
from kiosk.core.step_owners import decided_by_rules
from kiosk.flows.messages import (
    AskRating,
    ShowCertificate,
    ShowError,
    ShowField,
    ShowForm,
    ShowScreen,
)
from kiosk.flows.ports import ScreenCommand

log = logging.getLogger(__name__)

# -- the screen --------------------------------------------------------------------------------


class UiScreen:
    """The Screen port: workflow screens onto the bridge."""

    def __init__(
        self,
        bridge: Any,
        service: Service,
        flags: Callable[[Mapping[str, str]], Mapping[str, str]],
        on_step: Callable[[], None],
        show_call: Callable[[], bool] = lambda: False,
        department_name: Callable[[str], Any] | None = None,
        done_view: Callable[[], Any] | None = None,
    ) -> None:
        self._bridge = bridge
        self._done_view = done_view  # how the item ended (ServiceRunner.done_view)
        self._service = service
        self._flags = flags
        self._on_step = on_step
        self._show_call = show_call  # the call screen back, if a call runs
        self._department_name = department_name
        self._fields = {f.key: f for f in service.form}
        self.screens: list[str] = []  # the workflow screens shown, in order

    def show(self, command: ScreenCommand) -> None:
        from kiosk.ui.viewmodels import DoneView, FieldView, FormView, LockerView, RatingTarget

        b = self._bridge
        match command:
            case ShowScreen(screen=screen):
                log.info("workflow screen %s", screen)
                self.screens.append(screen)
                self._on_step()
                if screen != "questions":
                    b.show_caption("")  # the digital clerk's last words are over
                if screen == "questions" and not self._service.needs_clerk:
                    b.show_assistant()  # the digital clerk asks; a clerk's item calls one
                elif screen == "review" and decided_by_rules(self._service, command.step):
                    # The department's rules decide now: the citizen waits a moment.
                    b.show_done(DoneView(self._service.name, state="checking"))
                elif screen in ("questions", "consult", "review"):
                    self._show_call()  # a clerk talks with the citizen, or decides
                elif screen == "locker":
                    b.show_locker(LockerView("", "opening"))
                elif screen == "finished":
                    fallback = DoneView(self._service.name, self._service.certificate, False)
                    b.show_done(self._done_view() if self._done_view else fallback)
            case ShowError(code=code):
                b.show_error(code)
            case ShowForm(values=values, problems=problems, flags=flags):
                shown = dict(values)
                marks = {**dict(self._flags(shown)), **dict(flags), **dict(problems)}
                views = tuple(
                    FieldView(
                        key,
                        self._fields[key].label,
                        value,
                        self._fields[key].kind,
                        marks.get(key, ""),
                        self._fields[key].choices,
                    )
                    for key, value in values
                )
                b.show_form(FormView(self._service.name, views))
            case ShowField(key=key, value=value, problem=problem):
                f = self._fields[key]
                b.field_shown.emit(FieldView(key, f.label, value, f.kind, problem or "", f.choices))
            case ShowCertificate(department=department):
                log.info("certificate of %s reached the citizen's phone", department)
            case AskRating(clerk=clerk, department=department):
                label = self._service.name
                if clerk and department and self._department_name is not None:
                    label = self._department_name(department)  # the clerk's department
                b.show_rating(RatingTarget(clerk or "service", label))
