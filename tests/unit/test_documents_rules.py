import io
import zipfile
from datetime import date

import pytest

from coord.errors import Conflict, Invalid
from services.documents import domain
from tests.documents_support import DOCX, PDF_BYTES, docx_bytes

COP2_OPENS = date(2018, 11, 19)


@pytest.mark.parametrize("current, action, status, owner", [
    ("drafting", "submit", "submitted", "unon-dcs"),
    ("submitted", "edited", "edited", "unon-dcs"),
    ("translated", "publish", "published", None),
])
def test_each_step_of_the_chain_names_its_next_holder(current, action, status, owner):
    step = domain.move(current, action)
    assert (step.status, step.owner) == (status, owner)


def test_conference_services_edit_and_translate_the_secretariat_submits_and_publishes():
    assert domain.ACTORS == {"submit": (), "edited": ("unon-dcs",),
                             "translate": ("unon-dcs",), "publish": ()}


def test_an_illegal_move_names_the_allowed_ones():
    with pytest.raises(Conflict, match="A drafting document cannot publish; allowed: submit"):
        domain.move("drafting", "publish")
    with pytest.raises(Conflict, match="none"):
        domain.move("published", "submit")


def test_contributions_only_while_drafting():
    domain.check_contribution("drafting")
    with pytest.raises(Conflict, match="this one is submitted"):
        domain.check_contribution("submitted")


@pytest.mark.parametrize("requested, expected", [
    ("all", ("all", ("ar", "zh", "en", "fr", "ru", "es"))),
    (None, ("all", ("ar", "zh", "en", "fr", "ru", "es"))),
    ("reduced", ("reduced", ("en", "fr", "es"))),
    (["es", "ru", "fr", "en"], ("reduced", ("en", "fr", "ru", "es"))),
    (["es", "ru", "fr", "en", "ar", "zh"], ("all", ("ar", "zh", "en", "fr", "ru", "es"))),
])
def test_language_sets_always_include_english_french_and_spanish(requested, expected):
    assert domain.language_set(requested, "en") == expected


@pytest.mark.parametrize("requested, original, field", [
    (["en", "fr"], "en", "languages"),
    (["en", "fr", "es", "de"], "en", "languages"),
    ("reduced", "ru", "original_language"),
])
def test_a_language_set_without_the_required_languages_is_refused(requested, original, field):
    with pytest.raises(Invalid) as refused:
        domain.language_set(requested, original)
    assert set(refused.value.fields) == {field}


def test_translations_into_the_six_each_once_not_the_original():
    domain.check_language("zh")
    with pytest.raises(Invalid):
        domain.check_language("de")
    with pytest.raises(Conflict, match="issued in en, fr, es only"):
        domain.check_among("ar", ("en", "fr", "es"))
    domain.check_translation("fr", done=["en"], original_language="en")
    with pytest.raises(Conflict, match="original language"):
        domain.check_translation("en", done=["en"], original_language="en")
    with pytest.raises(Conflict, match="already done"):
        domain.check_translation("fr", done=["en", "fr"], original_language="en")


def test_the_last_required_translation_hands_the_document_back_to_the_secretariat():
    required = ("en", "fr", "es")
    assert domain.status_after_translation(required, ["en", "fr"]) == ("edited", "unon-dcs")
    assert domain.status_after_translation(required, ["es", "en", "fr"]) == ("translated", "mc")


def test_publication_names_the_missing_languages():
    with pytest.raises(Conflict, match="the fr, es translations are not done"):
        domain.check_publishable("edited", ("en", "fr", "es"), ["en"])
    with pytest.raises(Conflict, match="the es translation is not done"):
        domain.check_publishable("edited", ("en", "fr", "es"), ["en", "fr"])
    with pytest.raises(Conflict, match="allowed: submit"):
        domain.check_publishable("drafting", ("en", "fr", "es"), [])
    domain.check_publishable("translated", ("en", "fr", "es"), ["en", "fr", "es"])


def test_symbol_stems():
    assert domain.series_stem("working", "UNEP/MC/COP.2") == "UNEP/MC/COP.2/"
    assert domain.series_stem("information", "UNEP/MC/COP.2") == "UNEP/MC/COP.2/INF/"
    assert domain.child_stem("UNEP/MC/COP.2/5", "add") == "UNEP/MC/COP.2/5/Add."
    assert domain.child_stem("UNEP/MC/COP.2/5/Rev.1", "corr") == "UNEP/MC/COP.2/5/Rev.1/Corr."


def test_working_documents_are_due_six_weeks_and_submitted_ten_weeks_before_opening():
    assert domain.deadlines("working", COP2_OPENS) == (date(2018, 9, 10), date(2018, 10, 8))
    assert domain.deadlines("information", COP2_OPENS) == (None, None)


@pytest.mark.parametrize("status, today, expected", [
    ("drafting", date(2018, 9, 10), []),
    ("drafting", date(2018, 9, 20), [("submission", 10)]),
    ("submitted", date(2018, 9, 20), []),
    ("drafting", date(2018, 10, 18), [("submission", 38), ("due", 10)]),
    ("translated", date(2018, 10, 18), [("due", 10)]),
    ("published", date(2018, 10, 18), []),
])
def test_missed_deadlines(status, today, expected):
    missed = domain.missed_deadlines(status=status, today=today, due_on=date(2018, 10, 8),
                                     submission_due_on=date(2018, 9, 10))
    assert [(m.deadline, m.days_late) for m in missed] == expected


def test_documents_without_deadlines_are_never_late():
    assert domain.missed_deadlines(status="drafting", today=date(2030, 1, 1), due_on=None,
                                   submission_due_on=None) == []


def test_files_must_be_what_they_claim_and_within_the_limit():
    domain.check_file("application/pdf", PDF_BYTES, 1000)
    domain.check_file(DOCX, docx_bytes(), 10_000)
    refusals = {
        "unsupported_file_type": ("image/png", b"\x89PNG"),
        "file_too_large": ("application/pdf", PDF_BYTES * 100),
        "empty_file": ("application/pdf", b""),
    }
    for code, (content_type, content) in refusals.items():
        with pytest.raises(Invalid) as refused:
            domain.check_file(content_type, content, 1000)
        assert refused.value.code == code


@pytest.mark.parametrize("content_type, content", [
    ("application/pdf", b"PK\x03\x04"),
    (DOCX, PDF_BYTES),
    (DOCX, b"PK\x03\x04 truncated"),
])
def test_a_file_whose_bytes_contradict_its_type_is_refused(content_type, content):
    with pytest.raises(Invalid, match="whatever its Content-Type says"):
        domain.check_file(content_type, content, 1000)


def test_a_zip_without_a_word_document_is_not_docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(Invalid):
        domain.check_file(DOCX, buffer.getvalue(), 10_000)


def test_published_files_are_final():
    domain.check_file_allowed("translated")
    with pytest.raises(Conflict, match="corrigendum"):
        domain.check_file_allowed("published")
