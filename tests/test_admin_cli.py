"""Provisioning from the command line: `users create` and the idempotent `demo`."""

from click.testing import CliRunner

from portfolio.extensions import db
from portfolio.models import AuditEntry, Cohort, Enrolment, Evidence, Provider, Role, User
from portfolio.services.passwords import check_password

GOOD_PASSWORD = "a long enough password"


def create(runner, *args, password=GOOD_PASSWORD):
    return runner.invoke(args=["users", "create", *args], input=f"{password}\n")


def test_users_create_makes_a_person_with_several_roles_at_a_new_provider(runner):
    result = create(
        runner,
        "--email", "Ada@Example.org", "--name", "Ada Admin",
        "--role", "admin", "--role", "assessor", "--provider", "Northern College",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Created ada@example.org at Northern College" in result.output
    ada = db.session.scalars(db.select(User)).one()
    assert ada.roles == {Role.ADMIN, Role.ASSESSOR}
    assert ada.provider.name == "Northern College"
    assert check_password(ada.password_hash, GOOD_PASSWORD)
    actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["provider_created", "person_added", "password_set_at_command_line"]
    entry = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.details["command"] == "users create"
    assert entry.subject_id == ada.id


def test_users_create_uses_the_only_provider_when_none_is_named(runner, make_provider):
    provider = make_provider("Only One")

    result = create(runner, "--email", "sam@example.org", "--name", "Sam", "--role", "assessor")

    assert result.exit_code == 0, result.output
    assert db.session.scalars(db.select(User)).one().provider_id == provider.id


def test_users_create_refuses_bad_input_with_a_reason(runner, make_user):
    make_user("learner", email="taken@example.org")

    short = create(
        runner, "--email", "b@example.org", "--name", "B", "--role", "iqa", "--provider", "P",
        password="short",
    )  # fmt: skip
    bad_role = create(runner, "--email", "c@example.org", "--name", "C", "--role", "boss")
    bad_email = create(runner, "--email", "nope", "--name", "D", "--role", "iqa", "--provider", "P")
    taken = create(
        runner, "--email", "taken@example.org", "--name", "E", "--role", "iqa", "--provider", "P"
    )

    assert "Your password must be at least 12 characters long." in short.output
    assert "'boss' is not one of" in bad_role.output
    assert "'nope' is not an email address" in bad_email.output
    # Nothing about the other organisation, or that there is one.
    assert "taken@example.org cannot be used for an account here." in taken.output
    assert "organisation" not in taken.output
    for result in (short, bad_role, bad_email, taken):
        assert result.exit_code == 2
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_users_create_refuses_a_name_or_organisation_too_long_to_keep(runner):
    long_name = create(
        runner, "--email", "a@example.org", "--name", "N" * 201, "--role", "iqa",
        "--provider", "P",
    )  # fmt: skip
    long_email = create(
        runner, "--email", "a" * 320 + "@example.org", "--name", "A", "--role", "iqa",
        "--provider", "P",
    )  # fmt: skip
    long_provider = create(
        runner, "--email", "a@example.org", "--name", "A", "--role", "iqa", "--provider", "P" * 201
    )

    assert "The name must be 200 characters or fewer (this one has 201)." in long_name.output
    assert "The email address must be 320 characters or fewer" in long_email.output
    assert "The organisation's name must be 200 characters or fewer" in long_provider.output
    for result in (long_name, long_email, long_provider):
        assert result.exit_code == 2
    assert db.session.scalars(db.select(User)).all() == []
    assert db.session.scalars(db.select(Provider)).all() == []


def test_users_create_asks_which_provider_when_it_cannot_tell(runner, make_provider):
    args = ("--email", "a@example.org", "--name", "A", "--role", "iqa")

    none_yet = create(runner, *args)
    make_provider()
    make_provider()
    several = create(runner, *args)

    assert "There is no provider yet: pass --provider NAME to create one." in none_yet.output
    assert "There are several providers: pass --provider NAME to choose one." in several.output
    assert db.session.scalars(db.select(User)).all() == []


def test_users_create_prompts_twice_for_the_password_at_a_terminal(runner, monkeypatch):
    """At a terminal the password is typed twice and hidden."""
    from portfolio.admin import cli

    monkeypatch.setattr(cli, "_at_terminal", lambda: True)
    args = ["users", "create", "--email", "t@example.org", "--name", "T", "--role", "iqa",
            "--provider", "P"]  # fmt: skip

    typed = f"{GOOD_PASSWORD}\nsomething else\n{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n"
    result = runner.invoke(args=args, input=typed)

    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output
    assert "do not match" in result.output.lower()
    assert GOOD_PASSWORD not in result.output
    person = db.session.scalars(db.select(User)).one()
    assert check_password(person.password_hash, GOOD_PASSWORD)


def test_demo_needs_a_loaded_standard(runner):
    result = runner.invoke(args=["demo"])

    assert result.exit_code == 1
    assert "No standard is loaded yet. Run `flask --app portfolio upgrade` first" in result.output


def test_demo_creates_everyone_and_prints_their_sign_in_details(runner, standard, client):
    result = runner.invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert [line.split(" ")[0] for line in lines] == [
        "admin", "assessor", "iqa", "learner", "learner", "learner",  # Demo Training Provider
        "admin", "assessor", "learner",  # Northern Arts Training
    ]  # fmt: skip
    assert all(len(line.split(" ")) == 3 for line in lines)
    cohorts = db.session.scalars(db.select(Cohort).order_by(Cohort.id)).all()
    assert [c.provider.name for c in cohorts] == [
        "Demo Training Provider",
        "Northern Arts Training",
    ]
    assert {c.standard_id for c in cohorts} == {standard.id}
    demo = cohorts[0]
    assert len(demo.enrolments) == 3
    assessor = db.session.scalars(db.select(User).where(User.email == lines[1].split()[1])).one()
    iqa = db.session.scalars(db.select(User).where(User.email == lines[2].split()[1])).one()
    assert {(e.assessor_id, e.iqa_id) for e in demo.enrolments} == {(assessor.id, iqa.id)}
    (northern,) = cohorts[1].enrolments
    assert northern.assessor.email == lines[7].split()[1]
    assert northern.learner.provider_id == northern.assessor.provider_id == cohorts[1].provider_id
    # Every printed line signs that person in.
    for line in lines:
        _role, email, password = line.split(" ")
        response = client.post("/sign-in", data={"email": email, "password": password})
        assert response.status_code == 302, line
        client.post("/sign-out")


def test_demo_is_idempotent_and_prints_the_same_lines(runner, standard):
    first = runner.invoke(args=["demo"])
    counts = [
        db.session.scalar(db.select(db.func.count()).select_from(model))
        for model in (Provider, User, Cohort, Enrolment, Evidence, AuditEntry)
    ]

    second = runner.invoke(args=["demo"])

    assert second.exit_code == 0
    assert second.output == first.output
    assert counts == [
        db.session.scalar(db.select(db.func.count()).select_from(model))
        for model in (Provider, User, Cohort, Enrolment, Evidence, AuditEntry)
    ]


def test_demo_puts_back_a_changed_demo_password_and_audits_it(runner, standard, client):
    runner.invoke(args=["demo"])
    learner = db.session.scalars(
        db.select(User).where(User.email == "learner1@demo.example.org")
    ).one()
    client.post("/sign-in", data={"email": learner.email, "password": "demo-learner-password"})
    client.post(
        "/account/password",
        data={
            "current": "demo-learner-password",
            "password": "my private passphrase",
            "confirm": "my private passphrase",
        },
    )

    runner.invoke(args=["demo"])

    db.session.refresh(learner)
    assert check_password(learner.password_hash, "demo-learner-password")
    last = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (last.action, last.subject_id, last.details["command"]) == (
        "password_set_at_command_line",
        learner.id,
        "demo",
    )


def test_the_demo_command_line_works_from_a_plain_click_runner(app, standard):
    """The same command through click directly, as `flask --app portfolio demo` runs it."""
    from flask.cli import ScriptInfo

    from portfolio.demo.cli import demo_command

    result = CliRunner().invoke(demo_command, obj=ScriptInfo(create_app=lambda: app))

    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 9


def test_make_run_offers_the_demo_only_on_a_fresh_database(runner, standard, make_user):
    fresh = runner.invoke(args=["demo", "--if-empty"])
    assert fresh.exit_code == 0, fresh.output
    assert "learner learner1@demo.example.org" in fresh.output

    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.output == fresh.output

    make_user("admin", email="real.admin@provider.example.org")
    real_site = runner.invoke(args=["demo", "--if-empty"])
    assert real_site.exit_code == 0
    assert "no demo data added" in real_site.output
    assert "demo-learner-password" not in real_site.output
