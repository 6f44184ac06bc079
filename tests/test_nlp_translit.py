"""Romanisation by the published standards, and the cross-script entity key."""
import pytest

from workbench.nlp._translit import (cyrillic_language, entity_key, press_spellings, romanise, romanise_be,
                                     romanise_ru, romanise_uk, script_language)

# Every example of the table of Cabinet of Ministers of Ukraine resolution 55 (27 January 2010).
KMU_2010 = {
    "Алушта": "Alushta", "Андрій": "Andrii", "Борщагівка": "Borshchahivka", "Борисенко": "Borysenko",
    "Вінниця": "Vinnytsia", "Володимир": "Volodymyr", "Гадяч": "Hadiach", "Богдан": "Bohdan",
    "Згурський": "Zghurskyi", "Ґалаґан": "Galagan", "Ґорґани": "Gorgany", "Донецьк": "Donetsk",
    "Дмитро": "Dmytro", "Рівне": "Rivne", "Олег": "Oleh", "Есмань": "Esman", "Єнакієве": "Yenakiieve",
    "Гаєвич": "Haievych", "Короп'є": "Koropie", "Житомир": "Zhytomyr", "Жанна": "Zhanna", "Жежелів": "Zhezheliv",
    "Закарпаття": "Zakarpattia", "Казимирчук": "Kazymyrchuk", "Медвин": "Medvyn", "Михайленко": "Mykhailenko",
    "Іванків": "Ivankiv", "Іващенко": "Ivashchenko", "Їжакевич": "Yizhakevych", "Кадиївка": "Kadyivka",
    "Мар'їне": "Marine", "Йосипівка": "Yosypivka", "Стрий": "Stryi", "Олексій": "Oleksii", "Київ": "Kyiv",
    "Коваленко": "Kovalenko", "Лебедин": "Lebedyn", "Леонід": "Leonid", "Миколаїв": "Mykolaiv",
    "Маринич": "Marynych", "Ніжин": "Nizhyn", "Наталія": "Nataliia", "Одеса": "Odesa", "Онищенко": "Onyshchenko",
    "Полтава": "Poltava", "Петро": "Petro", "Решетилівка": "Reshetylivka", "Рибчинський": "Rybchynskyi",
    "Суми": "Sumy", "Соломія": "Solomiia", "Тернопіль": "Ternopil", "Троць": "Trots", "Ужгород": "Uzhhorod",
    "Уляна": "Uliana", "Фастів": "Fastiv", "Філіпчук": "Filipchuk", "Харків": "Kharkiv", "Христина": "Khrystyna",
    "Біла Церква": "Bila Tserkva", "Стеценко": "Stetsenko", "Чернівці": "Chernivtsi", "Шевченко": "Shevchenko",
    "Шостка": "Shostka", "Кишеньки": "Kyshenky", "Щербухи": "Shcherbukhy", "Гоща": "Hoshcha",
    "Гаращенко": "Harashchenko", "Юрій": "Yurii", "Корюківка": "Koriukivka", "Яготин": "Yahotyn",
    "Ярошенко": "Yaroshenko", "Костянтин": "Kostiantyn", "Знам'янка": "Znamianka", "Феодосія": "Feodosiia",
    "Згорани": "Zghorany", "Розгон": "Rozghon", "Зеленський": "Zelenskyi",
}

# BGN/PCGN 1947 (Russian): ye word-initially and after vowels, й, ъ, ь; ë likewise.
BGN_RU = {
    "Лукашенко": "Lukashenko", "Киев": "Kiyev", "Ельцин": "Yel’tsin", "Подъячев": "Pod”yachev",
    "Щёлково": "Shchëlkovo", "Ёлкин": "Yëlkin", "Зеленский": "Zelenskiy", "Чайковский": "Chaykovskiy",
    "Нижний Новгород": "Nizhniy Novgorod", "Усть-Илимск": "Ust’-Ilimsk", "Объедков": "Ob”yedkov",
    "Майя": "Mayya", "Юрьев": "Yur’yev", "Хабаровск": "Khabarovsk", "Цыганков": "Tsygankov", "Эрмитаж": "Ermitazh",
}

# BGN/PCGN 1979 (Belarusian): г h, ў w, е ё ю я ye yo yu ya everywhere.
BGN_BE = {
    "Лукашэнка": "Lukashenka", "Магілёў": "Mahilyow", "Віцебск": "Vitsyebsk", "Гомель": "Homyel’",
    "Гродна": "Hrodna", "Брэст": "Brest", "Маладзечна": "Maladzyechna", "Мінск": "Minsk",
    "Ціханоўская": "Tsikhanowskaya", "Аляксандр": "Alyaksandr", "Ґродна": "Grodna", "Пінск": "Pinsk",
}


@pytest.mark.parametrize("table, romaniser", [(KMU_2010, romanise_uk), (BGN_RU, romanise_ru), (BGN_BE, romanise_be)],
                         ids=["uk-kmu-2010", "ru-bgn-pcgn", "be-bgn-pcgn"])
def test_each_standard_on_its_examples(table, romaniser):
    wrong = {cyr: (romaniser(cyr), want) for cyr, want in table.items() if romaniser(cyr) != want}
    assert not wrong


def test_the_language_is_told_by_its_letters():
    assert [cyrillic_language(w) for w in ("Київ", "Ґалаґан", "Магілёў", "Лукашэнка і", "Киев", "Kyiv")] == \
        ["uk", "uk", "be", "be", "ru", None]
    assert romanise("Київ") == "Kyiv" and romanise("Киев") == "Kiyev" and romanise("Kyiv") == "Kyiv"
    assert script_language("Путин", "uk") == "uk" and script_language("Путин") == "ru"
    assert script_language("Kyiv", "uk") == "uk" and script_language("Kyiv") == "en"


def test_press_spellings_of_a_standard_romanisation():
    assert press_spellings("Zelenskyi") == ["Zelenskyi", "Zelensky", "Zelenskyy", "Zelenskiy", "Zelenskii"]
    assert press_spellings("Andrii") == ["Andrii", "Andriy", "Andry"]
    assert press_spellings("Yurii Ihnat") == ["Yurii Ihnat"]


@pytest.mark.parametrize("group", [
    ["Kyiv", "Kiev", "Київ", "Киев", "Kiyev"],
    ["Lukashenko", "Лукашенко", "Лукашэнка", "Lukashenka"],
    ["Zelensky", "Zelenskyy", "Zelenskiy", "Zelenskyi", "Зеленський", "Зеленский"],
    ["Andriy Yermak", "Andrii Yermak", "Андрій Єрмак", "Андрей Ермак", "Andrey Ermak"],
    ["Volodymyr Zelensky", "Vladimir Zelensky", "Володимир Зеленський", "Владимир Зеленский"],
    ["Sviatlana Tsikhanouskaya", "Святлана Ціханоўская", "Светлана Тихановская", "Svetlana Tikhanovskaya"],
    ["Mogilev", "Mogilyov", "Могилёв", "Могильов"],
    ["Hrodna", "Grodno", "Гродна", "Гродно"],
    ["Vitebsk", "Віцебск", "Витебск", "Вітебськ"],
    ["Vinnytsia", "Vinnitsa", "Вінниця", "Винница"],
    ["Kharkiv", "Kharkov", "Харків", "Харьков"],
])
def test_variants_share_one_key(group):
    assert len({entity_key(name) for name in group}) == 1, {name: entity_key(name) for name in group}


@pytest.mark.parametrize("one, other", [
    ("Zelensky", "Zelenska"), ("Зеленський", "Зеленська"), ("Lukashenko", "Lukashevich"),
    ("Kyiv", "Kyivska oblast"), ("Vitali Klitschko", "Wladimir Klitschko"), ("Carla Bruni", "Carlo Bruni"),
    ("Evan Smith", "Ivan Smith"), ("Jan Smith", "Ian Smith"), ("Alina Kabaeva", "Olena Kabaeva"),
    ("Dan Brown", "Don Brown"), ("Luke Harding", "Lucie Harding"), ("Shaanxi", "Shanxi"), ("Helmand", "Helmond"),
    ("Chongqing", "Changqing"), ("Teremky-I", "Teremky-II"), ("Cuba", "Quba"), ("Caen", "Kayin"), ("Menden", "Minden"),
])
def test_near_misses_keep_their_own_keys(one, other):
    assert entity_key(one) != entity_key(other)
