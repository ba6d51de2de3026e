"""Sign-up, authentication, own account, roles: the people side of directory."""

from __future__ import annotations

from tests.directory.people_helpers import PASSWORD, bearer, outbox_events, promote, register, sign_up


async def test_sign_up_creates_a_member_and_announces_the_user_without_the_email(directory, signing_keys):
    account = await sign_up(directory, "Ana.Perez@Example.ORG", language="en", display_name="Ana Pérez")
    assert account["email"] == "ana.perez@example.org"
    assert account["roles"] == ["member"] and account["language"] == "en"
    assert "password" not in str(account) and "argon2" not in str(account)
    registered = await outbox_events(directory, "user.registered")
    assert [e["user_id"] for e in registered] == [account["id"]]
    assert "email" not in registered[0]
    contact = await outbox_events(directory, "user.contact_changed")
    assert contact[-1]["email"] == "ana.perez@example.org"


async def test_a_second_account_with_the_same_email_is_refused(directory):
    await sign_up(directory, "dup@example.org")
    response = await directory.post(
        "/accounts", json={"email": "DUP@example.org", "password": PASSWORD, "display_name": "Other"}
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "email_taken"


async def test_bad_sign_up_input_gets_a_stable_code(directory):
    cases = [
        ({"email": "not-an-email", "password": PASSWORD, "display_name": "X"}, 422, "invalid_email"),
        ({"email": "a@example.org", "password": "short", "display_name": "X"}, 422, "weak_password"),
        (
            {"email": "a@example.org", "password": PASSWORD, "display_name": "X", "language": "fr"},
            422,
            "validation_error",
        ),
        (
            {"email": "a@example.org", "password": PASSWORD, "display_name": "x" * 121},
            422,
            "validation_error",
        ),
    ]
    for body, status, code in cases:
        response = await directory.post("/accounts", json=body)
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), body
    assert await outbox_events(directory, "user.registered") == []


async def test_authenticate_answers_the_account_or_invalid_credentials(directory):
    account = await sign_up(directory, "li@example.org")
    ok = await directory.post(
        "/accounts/authenticate", json={"email": " LI@example.org", "password": PASSWORD}
    )
    assert ok.status_code == 200 and ok.json()["id"] == account["id"]
    wrong = await directory.post(
        "/accounts/authenticate", json={"email": "li@example.org", "password": "nope" * 4}
    )
    unknown = await directory.post(
        "/accounts/authenticate", json={"email": "who@example.org", "password": PASSWORD}
    )
    for response in (wrong, unknown):
        assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_credentials"


async def test_unknown_emails_cost_as_much_as_wrong_passwords(directory, monkeypatch):
    """Both pay exactly one argon2 verification (a dummy hash for unknown e-mails), so timing tells nothing."""
    from services.directory.accounts import passwords

    await sign_up(directory, "timing@example.org")
    verified: list[str] = []
    real = passwords._hasher

    class Counting:
        def verify(self, stored: str, password: str) -> bool:
            verified.append(stored)
            return real.verify(stored, password)

        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            return getattr(real, name)

    monkeypatch.setattr(passwords, "_hasher", Counting())
    for email in ("timing@example.org", "nobody@example.org"):
        await directory.post("/accounts/authenticate", json={"email": email, "password": "wrong password!"})
    assert len(verified) == 2 and all(h.startswith("$argon2id$") for h in verified)
    assert verified[0] != verified[1]


async def test_me_needs_a_token_and_shows_own_organizations(directory, signing_keys):
    account = await sign_up(directory)
    assert (await directory.get("/accounts/me")).json()["error"]["code"] == "unauthenticated"
    headers = bearer(signing_keys.issuer, account)
    me = await directory.get("/accounts/me", headers=headers)
    assert me.status_code == 200 and me.json()["email"] == account["email"]
    changed = await directory.patch(
        "/accounts/me", json={"language": "en", "phone": "+506 2222"}, headers=headers
    )
    assert changed.json()["language"] == "en" and changed.json()["phone"] == "+506 2222"


async def test_only_an_admin_grants_roles(directory, signing_keys):
    member, admin = await sign_up(directory), await sign_up(directory)
    admin = await promote(directory, admin, "admin")
    body = {"roles": ["advisor"]}
    refused = await directory.put(
        f"/accounts/{member['id']}/roles", json=body, headers=bearer(signing_keys.issuer, member)
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    granted = await directory.put(
        f"/accounts/{member['id']}/roles", json=body, headers=bearer(signing_keys.issuer, admin)
    )
    assert granted.status_code == 200 and granted.json()["roles"] == ["advisor", "member"]


async def test_an_agency_officer_needs_an_agency(directory, signing_keys):
    admin = await promote(directory, await sign_up(directory), "admin")
    officer = await sign_up(directory)
    url, headers = f"/accounts/{officer['id']}/roles", bearer(signing_keys.issuer, admin)
    sme = await register(directory, headers, kind="sme", name="Cacao SA")
    agency = await register(directory, headers, kind="agency", name="PROCOMER")
    for body in ({"roles": ["agency_officer"]}, {"roles": ["agency_officer"], "agency_id": sme["id"]}):
        response = await directory.put(url, json=body, headers=headers)
        assert response.status_code == 422 and response.json()["error"]["code"] == "validation_error"
    response = await directory.put(
        url, json={"roles": ["agency_officer"], "agency_id": agency["id"]}, headers=headers
    )
    assert response.status_code == 200 and response.json()["agency_id"] == agency["id"]


async def test_the_operator_command_makes_the_first_admin(directory, database_url):
    from services.directory.accounts.admin import grant

    account = await sign_up(directory, "first@example.org")
    assert await grant("First@example.org", ["admin"], database_url=database_url) == ["admin", "member"]
    assert account["roles"] == ["member"]


def test_outside_the_suite_passwords_use_argon2id_at_full_cost(monkeypatch):
    from argon2 import Type

    from services.directory.accounts.passwords import _make_hasher

    monkeypatch.delenv("CONSORCIA_ARGON2_PROFILE", raising=False)
    hasher = _make_hasher()
    assert hasher.type is Type.ID and hasher.memory_cost == 65536 and hasher.time_cost >= 3
    assert hasher.hash("correct horse battery").startswith("$argon2id$")
