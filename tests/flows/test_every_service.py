"""Every service of the catalog runs to its end with no code of its own."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.core.catalog import Catalog, default_catalog_path, load_catalog
from kiosk.flows.messages import AskRating, SendRating, SubmitCase
from kiosk.flows.workflow import StepStatus, Workflow
from tests.flows.conftest import Driver

SERVICES = [s.code for s in load_catalog().services]


@pytest.mark.parametrize("code", SERVICES)
def test_service_runs_to_done(
    catalog: Catalog, drive: Callable[[Workflow], Driver], code: str
) -> None:
    service = catalog.service(code)
    workflow = Workflow(service, f"case-{code}")
    driver = drive(workflow)
    finish = driver.run()
    assert finish.outcome == "done", driver.log
    assert all(s.status is StepStatus.DONE for s in workflow.steps()), workflow.steps()
    assert set(workflow.department_status().values()) == {"done"}
    reviews = [s for s in service.steps if s.kind == "review"]
    submitted = [c for c in driver.log if isinstance(c, SubmitCase)]
    assert [c.department for c in submitted] == [
        s.department or service.department for s in reviews
    ]
    ratings = [c.rating for c in driver.log if isinstance(c, SendRating)]
    asked = [c for c in driver.log if isinstance(c, AskRating)]
    assert len(ratings) == len(asked) == 1 + len(workflow.clerks)
    assert ratings[0].clerk is None and {r.clerk for r in ratings[1:]} == set(workflow.clerks)


NEW_SERVICE = """
department: civil
services:
  - code: civil-pet-registration
    name: {zh_CN: 犬只登记, en: Dog registration, zh_HK: 犬隻登記}
    summary: {zh_CN: 登记犬只。, en: Register a dog., zh_HK: 登記犬隻。}
    mode: mixed
    certificate: {zh_CN: 犬只登记证, en: Dog licence, zh_HK: 犬隻登記證}
    materials: [id_card]
    form: [applicant_name, id_number, phone]
    steps:
      - identify
      - capture
      - form
      - locker
      - {kind: review, department: household}
      - {kind: certificate, department: household}
"""


def test_a_new_service_is_a_catalog_entry(
    tmp_path: Path, drive: Callable[[Workflow], Driver]
) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(default_catalog_path(), root)
    (root / "services" / "pets.yaml").write_text(NEW_SERVICE, encoding="utf-8")
    service = load_catalog(root).service("civil-pet-registration")
    workflow = Workflow(service, "case-pet")
    assert drive(workflow).run().outcome == "done"
    assert workflow.department_status() == {"civil": "done", "household": "done"}
    assert workflow.captured == {"id_card": "img-id_card"}
