"""The Export Check-Up: questionnaire, scoring per dimension, history, score in the profile events."""

from __future__ import annotations

from services.directory.organizations import checkup
from tests.directory.people_helpers import outbox_events
from tests.directory.profile_helpers import error_code, member, register


def _answers(points: int) -> dict[str, str]:
    return {q.id: str(points) for q in checkup.QUESTIONS}


def test_scores_are_the_share_of_points_per_dimension_and_their_mean():
    assert checkup.score(_answers(0)) == (0, dict.fromkeys(checkup.DIMENSIONS, 0))
    assert checkup.score(_answers(3)) == (100, dict.fromkeys(checkup.DIMENSIONS, 100))
    mixed = _answers(3) | {"finance_resources": "0", "finance_costing": "0", "finance_credit": "0"}
    overall, dims = checkup.score(mixed)
    assert dims["finance"] == 0 and dims["product"] == 100 and overall == 83  # 5 of 6 dimensions
    overall, dims = checkup.score(_answers(3) | {"product_adaptation": "1"})
    assert dims["product"] == 78 and overall == 96  # (3+1+3)/9


async def test_questionnaire_is_bilingual_and_covers_the_six_dimensions(directory):
    body = (await directory.get("/checkup/questionnaire")).json()
    assert [d["code"] for d in body["dimensions"]] == [
        "product",
        "capacity",
        "quality",
        "finance",
        "experience",
        "commitment",
    ]
    assert len(body["questions"]) == 18
    assert all(q["text_es"] and q["text_en"] and len(q["options"]) == 4 for q in body["questions"])


async def test_check_ups_are_kept_as_history_and_the_newest_score_joins_the_profile(directory, signing_keys):
    headers = await member(directory, signing_keys)
    org = await register(directory, headers)
    url = f"/organizations/{org['id']}/checkups"
    first = await directory.post(url, json={"answers": _answers(1)}, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["score"] == 33 and first.json()["dimension_scores"]["quality"] == 33
    second = (await directory.post(url, json={"answers": _answers(3)}, headers=headers)).json()
    history = (await directory.get(url)).json()
    assert [h["score"] for h in history["items"]] == [100, 33]
    assert history["items"][0]["id"] == second["id"]
    paged = (await directory.get(url, params={"limit": 1})).json()
    rest = (await directory.get(url, params={"limit": 1, "cursor": paged["next_cursor"]})).json()
    assert [h["score"] for h in paged["items"] + rest["items"]] == [100, 33] and rest["next_cursor"] is None

    profile = (await directory.get(f"/organizations/{org['id']}")).json()
    assert profile["export_checkup_score"] == 100 and profile["completeness"] == 100
    assert profile["updated_at"] == org["updated_at"]  # a check-up is not a profile edit
    updates = await outbox_events(directory, "organization.updated")
    assert [e["export_checkup_score"] for e in updates] == [33, 100]
    assert updates[-1]["sectors"] == ["cacao"] and updates[-1]["products"]


async def test_an_incomplete_or_invalid_check_up_is_refused_with_its_code(directory, signing_keys):
    headers = await member(directory, signing_keys)
    org = await register(directory, headers)
    url = f"/organizations/{org['id']}/checkups"
    partial = _answers(2)
    partial.pop("quality_system")
    for answers in (partial, _answers(2) | {"quality_system": "7"}, _answers(2) | {"invented": "1"}):
        response = await directory.post(url, json={"answers": answers}, headers=headers)
        assert response.status_code == 422 and error_code(response) == "incomplete_checkup"
    assert (await directory.get(url)).json()["items"] == []
