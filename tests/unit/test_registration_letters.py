"""Letters: every template renders, in its language, with any name printed as written."""
import io
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from services.registration.domain import LETTER_KINDS
from services.registration.letters import LetterFacts, country_name, render_letter

FACTS = LetterFacts(
    reference="0b6f", given_name="Nguyễn Văn", family_name="An", organisation="Ministry",
    country="VNM", country_name="Viet Nam", funded=False, meeting_code="COP-2",
    meeting_title="Second meeting of the Conference of the Parties", city="Geneva",
    host_country="CHE", host_country_name="Switzerland", starts_on=date(2018, 11, 19),
    ends_on=date(2018, 11, 23))


def text_of(pdf):
    return " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.mark.parametrize("language, first_day", [
    ("en", "November 19, 2018"), ("fr", "19 novembre 2018"), ("es", "19 de noviembre de 2018"),
])
@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_every_letter_renders_with_dates_as_its_language_writes_them(kind, language,
                                                                     first_day):
    text = text_of(render_letter(kind, language, FACTS, today=date(2018, 10, 1)))
    assert "Nguyễn Văn An" in text and "COP-2" in text
    assert first_day in text


def test_a_funded_participant_is_told_travel_is_covered():
    funded = text_of(render_letter("confirmation", "en", replace(FACTS, funded=True)))
    unfunded = text_of(render_letter("confirmation", "en", FACTS))
    assert "daily subsistence allowance" in funded
    assert "daily subsistence allowance" not in unfunded


def test_names_that_look_like_formatting_print_as_written():
    odd = replace(FACTS, family_name="An--Binh **Tran**")
    assert "An--Binh **Tran**" in text_of(render_letter("visa", "fr", odd))


def test_country_names_follow_the_letters_language():
    assert country_name("CHE", "Switzerland", "fr") == "Suisse"
    assert country_name("CHE", "Switzerland", "es") == "Suiza"
    assert country_name("XKX", "Kosovo", "fr") == "Kosovo"  # no CLDR alias: data name



@pytest.mark.parametrize("given_name, family_name", [
    ("Nguyễn Văn", "An"),          # Latin with Vietnamese marks
    ("Иван", "Петров"),            # Cyrillic
    ("محمد", "الأحمد"),             # Arabic: joined and right to left
    ("王", "小明"),                 # Chinese
    ("דוד", "כהן"),                # Hebrew
])
def test_names_in_every_script_print_and_extract_back_intact(given_name, family_name):
    letter = render_letter("visa", "en", replace(FACTS, given_name=given_name,
                                                 family_name=family_name))
    text = text_of(letter)
    assert given_name in text and family_name in text


def test_a_french_letter_names_the_meeting_and_city_in_french():
    french = replace(FACTS, translations={"fr": {
        "title": "Deuxième réunion de la Conférence des Parties", "city": "Genève"}})
    text = text_of(render_letter("confirmation", "fr", french))
    assert "Deuxième réunion de la Conférence des Parties" in text
    assert "à Genève" in text and "Geneva" not in text
    assert "figure ici en anglais" not in text


def test_a_letter_without_a_translation_says_it_falls_back_to_english():
    text = text_of(render_letter("confirmation", "es", FACTS))
    assert "Second meeting of the Conference of the Parties" in text
    assert "figura aquí en inglés" in text


@pytest.mark.parametrize("language, heading", [
    ("ar", "تأشيرة"), ("zh", "签证支持函"), ("ru", "Письмо в поддержку"),
])
def test_letters_exist_in_arabic_chinese_and_russian(language, heading):
    assert heading in text_of(render_letter("visa", language, FACTS))


def test_a_name_no_font_can_draw_is_refused_not_left_blank():
    from coord.errors import Conflict
    with pytest.raises(Conflict) as refused:
        render_letter("visa", "en", replace(FACTS, family_name="\U00013000"))
    assert "U+13000" in str(refused.value)
