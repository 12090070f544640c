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
