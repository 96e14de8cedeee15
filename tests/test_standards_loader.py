"""Loading criteria/ files: an administrator runs `flask --app portfolio upgrade` and the standards
appear; a mistake in a file is refused with a message saying which file, which field and what."""

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from portfolio.extensions import db
from portfolio.models import AuditEntry, Criterion, Standard
from portfolio.standards.datafile import StandardFileError, content_hash, read_standard_file
from portfolio.standards.loader import load_directory

CRITERIA = Path(__file__).resolve().parent.parent / "criteria"
SEED_FILE = next(CRITERIA.glob("*.yaml"))


def seed_document() -> dict:
    return yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))


def write(folder: Path, document: dict, name: str = "standard.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_shipped_criteria_folder_holds_exactly_the_seed_standard(app):
    assert [p.name for p in CRITERIA.iterdir() if p.suffix == ".yaml"] == [SEED_FILE.name]
    lines = load_directory()

    standard = db.session.scalars(select(Standard)).one()
    assert lines == [f"Loaded {standard.title} ({standard.urn} v{standard.version})"]
    assert standard.title.startswith("Develop and deliver co-productions with communities")
    assert len(standard.performance_criteria) == 13
    assert len(standard.knowledge_items) == 14
    assert [c.code for c in standard.knowledge_items][-1] == "K14"
    assert standard.suite == "Cultural Heritage"
    assert standard.approved_on == "2022-03-30"
    assert standard.review_date == "2026-03-30"
    assert "co-production" in standard.keywords
    assert "Arts, Media and Publishing" in standard.occupations
    assert standard.content_hash == content_hash(read_standard_file(SEED_FILE))
    assert standard.source_file == SEED_FILE.name


def test_the_nine_top_tips_are_guidance_on_the_criteria_they_support(standard):
    titles = [note["title"] for note in standard.guidance_notes]
    assert len(titles) == 9
    assert titles[0] == "Do the groundwork"
    assert [n["title"] for n in standard.notes_for("PC13")] == ["Record, reflect, review, revise"]
    assert "Record, reflect, review, revise" in [n["title"] for n in standard.notes_for("K14")]
    every_code = {c.code for c in standard.criteria}
    assert all(set(n["criteria"]) <= every_code for n in standard.guidance_notes)


def test_loading_twice_changes_nothing_and_says_already_loaded(app):
    load_directory()
    standards, criteria = count(Standard), count(Criterion)

    lines = load_directory()

    assert lines[0].startswith("Already loaded Develop and deliver co-productions")
    assert (count(Standard), count(Criterion)) == (standards, criteria) == (1, 27)


def test_loading_a_standard_is_recorded_in_the_audit_trail(app):
    load_directory()
    entry = db.session.scalars(select(AuditEntry)).one()
    assert entry.action == "standard_loaded"
    assert entry.details["source_file"] == SEED_FILE.name


def test_a_new_version_becomes_a_new_standard_record(app, tmp_path):
    load_directory()
    document = seed_document()
    document["version"] = "2"
    document["performance_criteria"][0]["text"] = "identify opportunities for co-productions"
    write(tmp_path, document, "v2.yaml")

    assert load_directory(tmp_path) == [
        f"Loaded {document['title']} ({document['urn']} v2)",
    ]
    versions = db.session.scalars(select(Standard.version).order_by(Standard.version)).all()
    assert versions == ["1", "2"]
    first = db.session.scalars(select(Standard).where(Standard.version == "1")).one()
    assert first.criterion("PC1").text.endswith("within the remit of your organisation")


def test_changed_content_for_a_loaded_version_is_refused_naming_file_and_field(app, tmp_path):
    load_directory()
    document = seed_document()
    document["knowledge_items"][13]["text"] = "why feedback matters"
    path = write(tmp_path, document)

    with pytest.raises(StandardFileError) as refused:
        load_directory(tmp_path)

    message = str(refused.value)
    assert message.startswith(f"{path}: knowledge_items: K14 text differs from ")
    assert "never changed in place" in message
    standard = db.session.scalars(select(Standard)).one()
    assert standard.criterion("K14").text.startswith("why it is important to give and receive")


@pytest.mark.parametrize(
    ("change", "first"),
    [
        (lambda d: d.update(title="Develop co-productions"), "title: title differs"),
        (lambda d: d["performance_criteria"][2].update(text="work with stakeholders"),
         "performance_criteria: PC3 text differs"),
        (lambda d: d["performance_criteria"].append({"code": "PC14", "text": "evaluate"}),
         "performance_criteria: PC14 is new"),
        (lambda d: d["knowledge_items"][0].update(group="Why co-produce"),
         "knowledge_items: K1 group differs"),
        (lambda d: d.update(approved_on="2023-01-01"), "approved_on: approved_on differs"),
    ],
)  # fmt: skip
def test_a_changed_published_text_is_refused_naming_the_first_difference(
    app, tmp_path, change, first
):
    load_directory()
    document = seed_document()
    change(document)
    document["guidance"] = "New guidance that would be fine on its own."
    path = write(tmp_path, document)

    with pytest.raises(StandardFileError) as refused:
        load_directory(tmp_path)

    assert str(refused.value).startswith(f"{path}: {first} from ")
    standard = db.session.scalars(select(Standard)).one()
    assert standard.guidance_md != "New guidance that would be fine on its own."


def test_changed_guidance_updates_the_loaded_standard_in_place_and_is_audited(app, tmp_path):
    load_directory()
    standard = db.session.scalars(select(Standard)).one()
    before = (standard.id, standard.content_hash, [c.id for c in standard.criteria])
    document = seed_document()
    document["guidance"] = "Co-production is **shared** work."
    document["guidance_notes"][0]["text"] = "Start by listening."
    document["performance_criteria"][2]["guidance"] = "Who else should be in the room?"
    write(tmp_path, document)

    lines = load_directory(tmp_path)

    assert lines == [f"Updated guidance for {document['title']} ({document['urn']} v1)"]
    db.session.expire_all()
    standard = db.session.scalars(select(Standard)).one()
    assert (standard.id, standard.content_hash, [c.id for c in standard.criteria]) == before
    assert standard.guidance_md == "Co-production is **shared** work."
    assert standard.guidance_notes[0]["text"] == "Start by listening."
    assert standard.criterion("PC3").guidance_md == "Who else should be in the room?"
    assert standard.keywords and standard.details["sections"]  # the rest is as it was
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "standard_guidance_updated"
    assert entry.details["changed"] == [
        "PC3 guidance differs", "guidance differs", "guidance_notes differs",
    ]  # fmt: skip
    assert load_directory(tmp_path)[0].startswith("Already loaded")


def test_a_standard_loaded_with_an_older_kind_of_hash_is_still_recognised(app):
    load_directory()
    standard = db.session.scalars(select(Standard)).one()
    standard.content_hash = "0" * 64  # as written before guidance was left out of the hash
    db.session.commit()

    assert load_directory()[0].startswith("Already loaded")

    assert standard.content_hash == content_hash(read_standard_file(SEED_FILE))


def test_the_content_hash_covers_the_published_standard_not_its_guidance():
    data = read_standard_file(SEED_FILE)
    unguided = data.model_copy(
        update={
            "guidance": "",
            "guidance_notes": [],
            "performance_criteria": [
                c.model_copy(update={"guidance": "x"}) for c in data.performance_criteria
            ],
        }
    )
    retitled = data.model_copy(update={"title": "Another title"})
    assert content_hash(unguided) == content_hash(data)
    assert content_hash(retitled) != content_hash(data)


def test_comments_and_layout_are_not_a_change(app, tmp_path):
    load_directory()
    text = SEED_FILE.read_text(encoding="utf-8")
    (tmp_path / "same.yaml").write_text("# copied for a test\n\n" + text, encoding="utf-8")
    assert load_directory(tmp_path)[0].startswith("Already loaded")


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (lambda d: d.pop("title"), "title", "is missing"),
        (lambda d: d.update(title="   "), "title", "is empty"),
        (lambda d: d["performance_criteria"][2].update(text=""), "performance_criteria item 3 text",
         "is empty"),
        (lambda d: d["performance_criteria"][1].update(code="PC1"),
         "performance_criteria item 2 code", "duplicate code PC1"),
        (lambda d: d["knowledge_items"][0].update(code="PC14"), "knowledge_items item 1 code",
         "is not a code like K1"),
        (lambda d: d.update(knowledge_items=[]), "knowledge_items", "has no entries"),
        (lambda d: d.update(urn="has spaces"), "urn", "may only contain letters"),
        (lambda d: d.update(version=1.1), "version", "write it in quotes"),
        (lambda d: d.update(approved_on="last spring"), "approved_on", "is not a date"),
        (lambda d: d.update(colour="blue"), "colour", "is not a field this format knows"),
        (lambda d: d["guidance_notes"][0].update(criteria=["PC99"]),
         "guidance_notes item 1 criteria", "PC99 is not a code"),
    ],
)  # fmt: skip
def test_an_invalid_file_is_refused_naming_file_field_and_problem(
    app, tmp_path, change, field, problem
):
    document = seed_document()
    change(document)
    path = write(tmp_path, document, "broken.yaml")

    with pytest.raises(StandardFileError) as refused:
        load_directory(tmp_path)

    assert refused.value.path == str(path)
    assert refused.value.field == field
    assert problem in refused.value.problem
    assert str(refused.value).startswith(f"{path}: {field}: ")
    assert count(Standard) == 0


def test_a_file_that_is_not_yaml_names_the_line(app, tmp_path):
    (tmp_path / "bad.yaml").write_text("title: [unclosed\nurn: X\n", encoding="utf-8")
    with pytest.raises(StandardFileError, match=r"bad\.yaml: \(file\): is not valid YAML at line"):
        load_directory(tmp_path)


def test_one_bad_file_leaves_the_database_untouched(app, tmp_path):
    good = seed_document()
    bad = seed_document()
    bad["urn"] = "OTHER1"
    bad["performance_criteria"][0]["text"] = ""
    write(tmp_path, good, "a-good.yaml")
    write(tmp_path, bad, "b-bad.yaml")

    with pytest.raises(StandardFileError, match="b-bad.yaml"):
        load_directory(tmp_path)

    assert (count(Standard), count(Criterion), count(AuditEntry)) == (0, 0, 0)


def test_two_files_for_the_same_urn_and_version_are_refused(app, tmp_path):
    write(tmp_path, seed_document(), "a.yaml")
    write(tmp_path, seed_document(), "b.yaml")
    with pytest.raises(StandardFileError, match=r"b\.yaml: urn: .* is also in a\.yaml"):
        load_directory(tmp_path)
    assert count(Standard) == 0


def test_per_criterion_guidance_and_groups_are_loaded(app, tmp_path):
    document = seed_document()
    document["performance_criteria"][0]["group"] = "Plan co-productions"
    document["performance_criteria"][0]["guidance"] = "Think about **who** is missing."
    write(tmp_path, document)

    load_directory(tmp_path)

    criterion = db.session.scalars(select(Criterion).where(Criterion.code == "PC1")).one()
    assert criterion.group == "Plan co-productions"
    assert criterion.guidance_md == "Think about **who** is missing."


def test_a_missing_criteria_folder_is_reported(app, tmp_path):
    with pytest.raises(StandardFileError, match="does not exist"):
        load_directory(tmp_path / "nowhere")
