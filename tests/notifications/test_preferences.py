"""Preferences: language, channels per kind and the digest schedule decide what a person gets."""

from __future__ import annotations

import uuid

from shared.events.forum import UserMentioned


async def test_channels_per_kind_and_language_shape_what_arrives(notifications):
    n = notifications
    user = await n.person("member", language="es")
    await n.settled("directory")
    h = n.headers(user)
    changed = await n.client.patch(
        "/preferences",
        headers=h,
        json={
            "language": "en",
            "digest_hour": 18,
            "digest_weekday": 4,
            "channels": [
                {"kind": "forum.mention", "in_app": False, "email": "off"},
                {"kind": "advisory.answered", "email": "weekly"},
            ],
        },
    )
    assert changed.status_code == 200, changed.text
    prefs = changed.json()
    channels = {c["kind"]: c for c in prefs["channels"]}
    assert prefs["language"] == "en" and prefs["digest_hour"] == 18 and prefs["digest_weekday"] == 4
    assert channels["forum.mention"]["in_app"] is False and channels["advisory.answered"]["email"] == "weekly"
    assert channels["introduction.accepted"] == {
        "kind": "introduction.accepted",
        "in_app": True,
        "email": "immediate",
        "webhook": True,
    }

    await n.publish(UserMentioned(post_id=uuid.uuid4(), thread_id=uuid.uuid4(), mentioned_user_id=user))
    await n.settled("forum")
    assert (await n.inbox(user))["items"] == []  # mentions switched off in-app (and by e-mail)


async def test_bad_preferences_are_refused_and_nothing_changes(notifications):
    n = notifications
    h = n.headers(uuid.uuid4())
    bad_hour = await n.client.patch("/preferences", headers=h, json={"digest_hour": 25})
    assert bad_hour.status_code == 422 and bad_hour.json()["error"]["code"] == "validation_error"
    bad_kind = await n.client.patch(
        "/preferences", headers=h, json={"channels": [{"kind": "weather.changed"}]}
    )
    assert bad_kind.json()["error"]["code"] == "unknown_notification_kind"
    prefs = (await n.client.get("/preferences", headers=h)).json()
    assert prefs["digest_hour"] == 8 and prefs["email_enabled"] is True
