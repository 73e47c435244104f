"""Normalisation, the three transliteration schemes and the keys names are matched on."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.names import (
    KK_2021,
    KK_BGN,
    RU_BGN,
    cyrillic_to_english,
    fold_kazakh,
    kk_to_bgn,
    kk_to_latin_2021,
    name_keys,
    normalise,
    ru_to_bgn,
    skeleton,
)

KAZAKH_CYRILLIC = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"  # the 42 letters
RUSSIAN_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
NATIVE_KAZAKH = "аәбгғдежзийкқлмнңоөпрстуұүшыі"  # without the letters of Russian loans
LATIN_2021 = set("aäbdefgğhıijklmnñoöpqrsştuūüvyz")  # the 31 letters of January 2021


def keys(text: str) -> set[str]:
    return {k.text for k in name_keys(text, query=True)}


def test_every_cyrillic_letter_has_a_latin_form_in_each_scheme() -> None:
    assert set(KK_2021) == set(KK_BGN) == set(KAZAKH_CYRILLIC)
    assert set(RU_BGN) == set(RUSSIAN_CYRILLIC)
    for letter in KAZAKH_CYRILLIC:
        for scheme in (kk_to_latin_2021, kk_to_bgn, cyrillic_to_english):
            assert not any("\u0400" <= ch <= "\u04ff" for ch in scheme(letter)), (scheme, letter)


def test_native_kazakh_letters_use_only_the_2021_alphabet() -> None:
    used = set("".join(KK_2021[letter] for letter in NATIVE_KAZAKH))
    assert used <= LATIN_2021, used - LATIN_2021


@pytest.mark.parametrize(("cyrillic", "latin"), [
    ("Шәкен Айманов", "Şäken Aimanov"),
    ("Қыз Жібек", "Qyz Jıbek"),
    ("Бауыржан Момышұлы", "Bauyrjan Momyşūly"),
    ("Ғабит Мүсірепов", "Ğabit Müsırepov"),
    ("Ұлы Дала Таңы", "Ūly Dala Tañy"),
    ("Ыстамбұл", "Ystambūl"),
    ("Өзбекстан", "Özbekstan"),
    ("Яссауи", "İassaui"),
    ("Ілияс", "Iliias"),
])
def test_kazakh_latin_2021(cyrillic: str, latin: str) -> None:
    assert kk_to_latin_2021(cyrillic) == latin


@pytest.mark.parametrize(("scheme", "cyrillic", "latin"), [
    # Kazakh, BGN/PCGN 1979, and Russian, BGN/PCGN 1947 (as ICU 72's Kazakh-Latin/BGN and
    # Russian-Latin/BGN write them, less the Russian system's optional middle dot)
    (kk_to_bgn, "Шәкен Айманов", "Shäken Aī̆manov"),
    (kk_to_bgn, "Қыз Жібек", "Qyz Zhibek"),
    (kk_to_bgn, "Ұлы Дала Таңы", "Uly Dala Tangy"),
    (kk_to_bgn, "Ғабит Мүсірепов", "Ghabīt Müsirepov"),
    (kk_to_bgn, "Еуразия", "Eūrazīya"),
    (ru_to_bgn, "Шакен Айманов", "Shaken Aymanov"),
    (ru_to_bgn, "Нугманов", "Nugmanov"),
    (ru_to_bgn, "Ерлан Серкебаев", "Yerlan Serkebayev"),
    (ru_to_bgn, "Ёлка Юрий", "Yëlka Yuriy"),
    (ru_to_bgn, "Джамбул", "Dzhambul"),
    (ru_to_bgn, "Союз кинематографистов", "Soyuz kinematografistov"),
    (ru_to_bgn, "Ильин", "Ilʹin"),
    (ru_to_bgn, "Щука", "Shchuka"),
])
def test_bgn_pcgn(scheme: Callable[[str], str], cyrillic: str, latin: str) -> None:
    assert scheme(cyrillic) == latin


@pytest.mark.parametrize(("cyrillic", "latin"), [
    ("Шәкен Айманов", "Shaken Aymanov"),
    ("Қыз Жібек", "Kyz Zhibek"),
    ("Бауыржан Момышұлы", "Bauyrzhan Momyshuly"),  # as the catalogue's kk-Latn label
    ("Ермек Серкебаев", "Yermek Serkebayev"),  # likewise
    ("Нугманов", "Nugmanov"),
    ("Юрий Померанцев", "Yury Pomerantsev"),
    ("Григорий Чухрай", "Grigory Chukhray"),
    ("Хассақ", "Khassak"),
    ("Цой", "Tsoy"),
    ("Щедрин", "Shchedrin"),
    ("Ақ шаңқан таулар", "Ak shankan taular"),
])
def test_common_english_forms(cyrillic: str, latin: str) -> None:
    assert cyrillic_to_english(cyrillic) == latin


def test_normalisation_folds_case_quotes_punctuation_and_turkish_i() -> None:
    assert normalise("İstanbul") == normalise("istanbul") == normalise("ISTANBUL") == "istanbul"
    assert normalise("Kıvanç") == "kivanç"
    assert normalise("«Жамбыл»") == normalise("Жамбыл") == normalise("“Жамбыл”") == "жамбыл"
    assert normalise("„Kyz-Zhibek“ (1970)") == "kyz zhibek 1970"
    assert normalise("  Leila's   Prayer ") == "leilas prayer"
    assert normalise("ＫＡＺＡＫＨＦＩＬＭ") == "kazakhfilm"  # NFKC: full-width letters
    assert normalise("Шәкен") != normalise("Шакен")  # the script and its letters are kept


def test_kazakh_letters_fold_to_russian_ones() -> None:
    assert fold_kazakh("Шәкен") == fold_kazakh("Шакен") == "шакен"
    assert fold_kazakh("Қыз Жібек") == fold_kazakh("Кыз Жибек") == "кыз жибек"
    assert fold_kazakh("Ұлы Дала Таңы") == "улы дала таны"
    assert fold_kazakh("Сүлейменов") == fold_kazakh("Сулейменов")
    assert fold_kazakh("Ёлка") == "елка"


@pytest.mark.parametrize("spellings", [
    ["Aimanov", "Aymanov", "Айманов", "Aĭmanov", "Aī̆manov", "Ajmanov", "AIMANOV"],
    ["Шәкен", "Шакен", "Shaken", "Şäken", "SHAKEN"],
    ["Қыз Жібек", "Kyz-Zhibek", "Qyz Jibek", "Кыз Жибек", "«Қыз Жібек»", "Qyz Jıbek"],
    ["Нугманов", "Nugmanov", "Nougmanov"],
    ["İstanbul", "istanbul", "ISTANBUL"],
    ["Kıvanç", "Kivanc"],
    ["Ермек Серкебаев", "Yermek Serkebayev", "Ermek Serkebaev"],
    ["Жамбыл", "Zhambyl", "Jambyl", "«Жамбыл»"],
    ["Бауыржан Момышұлы", "Bauyrzhan Momyshuly", "Bauyrjan Momyşūly"],
])
def test_spellings_of_one_name_share_a_key(spellings: list[str]) -> None:
    first = keys(spellings[0])
    for spelling in spellings[1:]:
        assert first & keys(spelling), (spellings[0], spelling, first, keys(spelling))


@pytest.mark.parametrize(("one", "other"), [
    ("Shaken Aimanov", "Sultan Kozhykov"),
    ("Айманов", "Иманов"),
    ("Kyz-Zhibek", "Kyz-Zhigit"),
    ("Жамбыл", "Джамбул"),  # the Russian spelling is near (fuzzy), not the same key
])
def test_different_names_keep_different_keys(one: str, other: str) -> None:
    assert not keys(one) & keys(other)


def test_initials_meet_the_full_name() -> None:
    def forms(text: str) -> set[str]:
        return {f for k in name_keys(text, query=True) for f in k.forms}

    full = forms("Shaken Aimanov")
    for short in ("Ш. Айманов", "Sh. Aimanov", "Aimanov Sh.", "Ш.Айманов", "S. Aimanov"):
        assert full & forms(short), short
        assert any(k.abbreviated for k in name_keys(short))
    assert not any(k.abbreviated for k in name_keys("Shaken Aimanov"))
    assert not full & forms("Sh. Ashimov")
    assert forms("Д.А. Қонаев") & forms("Dinmukhamed Akhmedovich Qonaev")


def test_text_without_letters_has_no_key() -> None:
    for text in ("", "   ", "'", "«»", "—", "\\", "…"):
        assert name_keys(text, query=True) == ()
    assert skeleton("Bal 1998") == "bal 1998"
