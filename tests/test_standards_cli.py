"""The three commands other tools rely on: standards import, list and show."""

import json
from pathlib import Path

import pytest

from portfolio.standards.datafile import dump, read_standard_file
from portfolio.standards.loader import load_directory

NOS_TEXTS = Path(__file__).resolve().parent / "data" / "nos"
SEED = Path("/work/shared/seeds/nos-develop-deliver-coproductions.txt")
CRITERIA = Path(__file__).resolve().parent.parent / "criteria"
SHIPPED = next(CRITERIA.glob("*.yaml"))
TITLE = (
    "Develop and deliver co-productions with communities for a creative or cultural organisation"
)


def test_importing_the_seed_reproduces_the_shipped_criteria_exactly(runner, tmp_path):
    out = tmp_path / "x.yaml"

    result = runner.invoke(args=["standards", "import", str(SEED), "-o", str(out)])

    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Imported {TITLE}: 13 performance criteria, 14 knowledge items -> {out}\n"
    )
    imported, shipped = read_standard_file(out), read_standard_file(SHIPPED)
    assert imported.performance_criteria == shipped.performance_criteria
    assert imported.knowledge_items == shipped.knowledge_items
    assert (imported.urn, imported.version) == (shipped.urn, shipped.version)


def test_show_json_prints_the_same_criteria_for_the_text_the_file_and_the_database(runner):
    load_directory()
    shown = {}
    for target in (str(SEED), str(SHIPPED), read_standard_file(SHIPPED).urn):
        result = runner.invoke(args=["standards", "show", target, "--json"])
        assert result.exit_code == 0, result.output
        shown[target] = json.loads(result.output)

    from_text, from_file, from_db = shown.values()
    assert from_file == from_db  # the database gives back exactly what was loaded
    assert from_text["performance_criteria"] == from_file["performance_criteria"]
    assert from_text["knowledge"] == from_file["knowledge"]
    assert from_db["title"] == TITLE
    assert from_db["performance_criteria"][12] == {
        "code": "PC13",
        "text": "gain feedback from community representatives and community members at "
        "appropriate times to inform future approaches to co-productions",
    }
    assert len(from_db["knowledge"]) == 14
    assert {"title", "urn", "version", "performance_criteria", "knowledge"} <= set(from_db)
    assert len(from_db["guidance_notes"]) == 9


def test_import_writes_into_the_criteria_folder_and_never_overwrites_by_accident(
    app, runner, tmp_path
):
    app.config["CRITERIA_DIR"] = str(tmp_path)
    written = tmp_path / "ccsch99-v1.yaml"

    first = runner.invoke(args=["standards", "import", str(SEED), "--urn", "CCSCH99"])
    assert first.exit_code == 0 and first.output.endswith(f"-> {written}\n")

    changed = written.read_text(encoding="utf-8").replace(
        "text: take sufficient time to clarify", "text: take time to clarify"
    )
    written.write_text(changed, encoding="utf-8")
    again = runner.invoke(args=["standards", "import", str(SEED), "--urn", "CCSCH99"])

    assert again.exit_code == 1
    assert "already exists with different criteria (PC2 text differs)" in again.output
    assert "--force" in again.output
    assert written.read_text(encoding="utf-8") == changed

    forced = runner.invoke(args=["standards", "import", str(SEED), "--urn", "CCSCH99", "--force"])
    assert forced.exit_code == 0
    assert read_standard_file(written).performance_criteria[1].text.startswith("take sufficient")


def test_importing_the_seed_again_over_its_shipped_file_keeps_the_file_and_succeeds(
    app, runner, tmp_path
):
    app.config["CRITERIA_DIR"] = str(tmp_path)
    kept = tmp_path / SHIPPED.name
    shipped = SHIPPED.read_text(encoding="utf-8")
    kept.write_text(shipped + "# a note added by hand\n", encoding="utf-8")

    result = runner.invoke(args=["standards", "import", str(SEED)])

    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Imported {TITLE}: 13 performance criteria, 14 knowledge items -> {kept}\n"
    )
    # The hand-written guidance (the nine top tips) and the note are still there.
    assert kept.read_text(encoding="utf-8") == shipped + "# a note added by hand\n"
    assert len(read_standard_file(kept).guidance_notes) == 9


def test_importing_over_a_file_that_holds_another_standard_is_refused(runner, tmp_path):
    other = tmp_path / "other.yaml"
    document = read_standard_file(SHIPPED).model_copy(update={"urn": "OTHER1"})
    other.write_text(dump(document), encoding="utf-8")

    result = runner.invoke(args=["standards", "import", str(SEED), "-o", str(other)])

    assert result.exit_code == 1
    assert "already exists and holds OTHER1 version 1" in result.output
    assert read_standard_file(other).urn == "OTHER1"


def test_importing_text_that_is_not_a_nos_says_why_and_writes_nothing(app, runner, tmp_path):
    folder = tmp_path / "criteria"
    folder.mkdir()
    app.config["CRITERIA_DIR"] = str(folder)
    letter = folder / "letter.txt"
    letter.write_text("Dear Sam,\n\nThanks for lunch.\n", encoding="utf-8")

    result = runner.invoke(args=["standards", "import", str(letter)])

    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {letter}: Line 3: reached the end of the text")
    assert "Nothing was written." in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert sorted(p.name for p in folder.iterdir()) == ["letter.txt"]


def test_importing_a_missing_file_is_a_clean_error(runner, tmp_path):
    result = runner.invoke(args=["standards", "import", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert "Could not read" in result.output


def test_list_shows_each_loaded_standard_with_its_counts(runner):
    empty = runner.invoke(args=["standards", "list"])
    assert "No standards are loaded" in empty.output

    load_directory()
    result = runner.invoke(args=["standards", "list"])

    urn = read_standard_file(SHIPPED).urn
    assert result.exit_code == 0
    assert result.output == (f"{urn}\tv1\t{TITLE}\t(13 performance criteria, 14 knowledge items)\n")


def test_show_picks_the_latest_version_unless_asked(runner, tmp_path):
    load_directory()
    shipped = read_standard_file(SHIPPED)
    for version in ("2", "10"):
        newer = shipped.model_copy(update={"version": version, "title": f"{TITLE} {version}"})
        (tmp_path / f"v{version}.yaml").write_text(dump(newer), encoding="utf-8")
    load_directory(tmp_path)

    latest = json.loads(runner.invoke(args=["standards", "show", shipped.urn, "--json"]).output)
    second = runner.invoke(args=["standards", "show", shipped.urn, "--version", "2", "--json"])

    assert latest["version"] == "10"
    assert json.loads(second.output)["version"] == "2"


def test_show_without_json_prints_a_readable_summary(runner):
    result = runner.invoke(args=["standards", "show", str(SHIPPED)])
    assert result.exit_code == 0
    assert result.output.startswith(f"{TITLE}\nURN PROV-")
    assert "Performance criteria (13):" in result.output
    assert "  K14   why it is important to give and receive constructive feedback" in result.output
    assert "Record, reflect, review, revise -> PC13, K14" in result.output


def test_show_an_unknown_urn_is_a_clean_error(runner):
    result = runner.invoke(args=["standards", "show", "NOPE1", "--json"])
    assert result.exit_code == 1
    assert "No standard NOPE1 is loaded" in result.output


def test_show_finds_a_urn_whatever_its_case(runner):
    load_directory()
    urn = read_standard_file(SHIPPED).urn

    result = runner.invoke(args=["standards", "show", urn.lower(), "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["urn"] == urn


def test_a_bad_urn_on_the_command_line_is_named_without_a_line_number(runner, tmp_path):
    out = tmp_path / "x.yaml"

    result = runner.invoke(
        args=["standards", "import", str(SEED), "--urn", "has spaces", "-o", str(out)]
    )

    assert result.exit_code == 1
    assert result.output == (
        f"Error: {SEED}: The URN you gave ('has spaces') may only contain letters, digits, "
        "'.', '_' and '-'. Nothing was written.\n"
    )
    assert not out.exists()


# `import -o FILE` writes whatever name it is given; `show FILE` must read back what it wrote,
# whatever the suffix (it used to import a non-.yaml file as published text and call it "not a
# National Occupational Standard").
@pytest.mark.parametrize(
    "name", ["out", "out.txt", "out.data", "out.yaml", "out.yml", "OUT.YAML", "out.yaml.bak"]
)
def test_show_reads_back_what_import_wrote_whatever_the_output_is_called(runner, tmp_path, name):
    out = tmp_path / name

    imported = runner.invoke(args=["standards", "import", str(SEED), "-o", str(out)])
    shown = runner.invoke(args=["standards", "show", str(out), "--json"])
    summary = runner.invoke(args=["standards", "show", str(out)])
    again = runner.invoke(args=["standards", "import", str(SEED), "-o", str(out)])

    assert imported.exit_code == 0, imported.output
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output) == json.loads(
        runner.invoke(args=["standards", "show", str(SEED), "--json"]).output
    )
    assert summary.exit_code == 0, summary.output
    assert summary.output.startswith(f"{TITLE}\nURN PROV-")
    assert "Performance criteria (13):" in summary.output
    assert again.exit_code == 0, again.output  # the same standard: kept, not refused


def test_show_reports_a_broken_data_file_as_one_whatever_its_suffix(runner, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(args=["standards", "import", str(SEED), "-o", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    out.write_text(
        text.replace("performance_criteria:", "performance_criteria: [", 1), encoding="utf-8"
    )
    missing = tmp_path / "missing.data"
    missing.write_text("title: Written by hand\nurn: X1\nversion: '1'\n", encoding="utf-8")

    broken = runner.invoke(args=["standards", "show", str(out), "--json"])
    incomplete = runner.invoke(args=["standards", "show", str(missing), "--json"])

    assert broken.exit_code == 1
    assert broken.output.startswith(f"Error: {out}: (file): is not valid YAML at line ")
    assert incomplete.exit_code == 1
    assert f"{missing}: performance_criteria:" in incomplete.output
    assert "National Occupational Standard" not in broken.output + incomplete.output


@pytest.mark.parametrize(
    "text",
    [SEED, SEED.with_name("coproduction-nine-top-tips.txt"), *sorted(NOS_TEXTS.glob("*.txt"))],
    ids=lambda path: path.name,
)
def test_show_still_imports_published_text_whatever_its_suffix(runner, tmp_path, text):
    expected = runner.invoke(args=["standards", "show", str(text), "--json"])
    for name in ("nos", "nos.text"):
        copy = tmp_path / name
        copy.write_bytes(text.read_bytes())

        result = runner.invoke(args=["standards", "show", str(copy), "--json"])

        # The same reading as the .txt (a text the importer refuses is refused the same way).
        assert result.exit_code == expected.exit_code, result.output
        assert result.output.replace(str(copy), str(text)) == expected.output
