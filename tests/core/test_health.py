from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client


@pytest.mark.django_db
def test_it_answers_200_when_the_database_is_reachable() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert response.json()["tasks"]["stalled"] is False


@pytest.mark.django_db
def test_it_answers_503_when_the_database_is_not() -> None:
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_it_rejects_post() -> None:
    assert Client().post("/healthz").status_code == 405


@pytest.mark.django_db
def test_the_landing_page_explains_both_tracks() -> None:
    body = Client().get("/").content.decode()
    assert "Medical students ↔ residents and fellows" in body
    assert "Residents and fellows ↔ senior surgeons" in body
    assert "How matching works" in body
    assert "cdn" not in body.lower()


@pytest.mark.django_db
def test_an_unknown_page_is_a_friendly_404() -> None:
    response = Client().get("/no/such/page/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_nul_character_in_the_address_gets_the_400_page(client) -> None:
    # PostgreSQL cannot compare text holding NUL: a search would otherwise fail as a 500.
    response = client.get("/members/institutions/options/?q=%00")
    assert response.status_code == 400
    assert response.status_code == client.get("/?x%00=1").status_code
