"""The reader of ``tests/dutch_pages.py`` tells English from Dutch (the page sweep itself runs
on the demo board in ``tests/leerlingen/test_demo.py``)."""

from .dutch_pages import English, Page


def test_english_words_are_recognised_and_dutch_is_not():
    english = English()
    assert english.msgids and english.words
    assert english.problem("Decided being") == "English words only"  # words of msgids, no msgid
    assert english.problem("Het verzoek wordt beoordeeld") is None
    assert english.problem("English") is None  # the language switcher names each language so
    assert english.problem("Opslaan") is None
    assert english.problem("Save") == "an English msgid"


def test_the_reader_sees_text_attributes_and_buttons_not_scripts():
    page = Page()
    page.feed(
        '<p title="Changed by">Being <b>decided</b></p><script>var x = "Being decided";</script>'
        '<input type="submit" value="Save"><a href="/staf/">x</a>'
    )
    assert page.texts == ["Changed by", "Being ", "decided", "Save", "x"]
    assert page.links == ["/staf/"]


def test_raw_codes_of_choices_are_recognised():
    english = English()
    assert {"veilig_thuis", "ter_beoordeling", "po"} <= english.codes
    assert english.problem("veilig_thuis") == "a raw code"
    assert english.problem("Verstrekking aan veilig_thuis") == "a raw code"
    assert english.problem("School A1 (po)") == "a raw code"
    assert english.problem("Veilig Thuis") is None
    assert english.problem("Basisonderwijs") is None
    assert english.problem("privacyverklaring-11AA-v1-nl.pdf") is None
    assert english.problem("ouder_gezag") is None  # a user name, no choice value


def test_text_marked_as_another_language_is_not_read():
    """A school's English beside its Dutch (the admin's translation fields) is marked lang="en"."""
    page = Page()
    page.feed(
        '<div><textarea lang="en">We may show photos</textarea><p>Opslaan</p>'
        '<span lang="en">Photos <b>on</b> the website</span><input lang="en" value="x" type="submit">'
        '<span lang="nl">Foto</span></div>'
    )
    assert page.texts == ["Opslaan", "Foto"]
