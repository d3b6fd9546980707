"""Name-only negatives in many locales: persons who are on no list, written as forms arrive.

Our own generator (issue 10): common given names and surnames of each locale, written from
general knowledge, combined at random with a fixed seed. Chinese mainland and Taiwan names
are most of the output, in Han (simplified for the mainland, traditional for Taiwan) and in
romanisation (pinyin; Wade-Giles and Taiwanese usage), in both orders. A generated name that
reads exactly like a listed name is a namesake, not a negative: :func:`negatives` drops it.

    python bench/names_generate.py 1000 > negatives.csv
"""

from __future__ import annotations

import csv
import random
import sys
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

# locale -> (given names, surnames); "family first" locales say so in FAMILY_FIRST.
_LATIN: dict[str, tuple[str, str]] = {
    "en-US": (
        "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
        "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa "
        "Matthew Betty Anthony Sandra Mark Ashley Steven Emily Kevin Donna Brian Michelle",
        "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
        "Jackson Martin Thompson White Harris Clark Lewis Robinson Walker Young Allen King "
        "Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips",
    ),
    "es-MX": (
        "José María Juan Guadalupe Francisco Carmen Antonio Rosa Jesús Leticia Miguel Patricia "
        "Alejandro Adriana Pedro Verónica Manuel Gabriela Ricardo Claudia Fernando Mónica "
        "Roberto Alejandra Sergio Lucía Jorge Beatriz Raúl Silvia Arturo Elena Eduardo Sofía",
        "García Martínez López González Pérez Sánchez Ramírez Flores Gómez Díaz Reyes Morales "
        "Cruz Ortiz Gutiérrez Chávez Ramos Vázquez Castillo Jiménez Moreno Romero Mendoza "
        "Aguilar Medina Herrera Castro Vargas Guzmán Rojas Salazar Navarro Delgado Ríos",
    ),
    "ar": (
        "Omar Fatima Youssef Aisha Khaled Mariam Tariq Layla Hamza Noor Karim Salma Bilal Huda "
        "Samir Rania Nabil Dalia Walid Yasmin Faisal Amal Ziad Hanan Majid Reem Adel Samira "
        "Rashid Lina Jamal Nadia Hassan Souad Mahmoud Zainab",
        "Haddad Khoury Nasser Saleh Mansour Aziz Farouk Sabbagh Qasim Darwish Barakat Hijazi "
        "Shami Tamimi Jaber Awad Hamdan Bakri Najjar Obeid Zaki Rahal Sharif Halabi Masri "
        "Yassin Khalil Attar Kanaan Sayegh Bitar Hourani Issa Fakhoury Ghanem",
    ),
    "ru": (
        "Алексей Елена Дмитрий Ольга Сергей Татьяна Андрей Наталья Михаил Ирина Николай "
        "Светлана Павел Анна Игорь Мария Артём Юлия Максим Ксения Роман Екатерина Егор "
        "Дарья Кирилл Полина Илья Вера Тимур Алина",
        "Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов "
        "Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов "
        "Андреев Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов",
    ),
    "de-DE": (
        "Lukas Anna Jonas Lena Leon Laura Finn Julia Paul Sophie Felix Marie Tim Lea Jan Hannah "
        "Niklas Katharina Moritz Johanna Tobias Clara Florian Lisa Sebastian Miriam Philipp "
        "Franziska Matthias Charlotte",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Bauer "
        "Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann "
        "Lange Werner Krause Lehmann Köhler Herrmann Walter",
    ),
    "fr-FR": (
        "Gabriel Louise Arthur Jade Raphaël Emma Jules Alice Louis Chloé Adam Inès Hugo Léa "
        "Lucas Manon Nathan Camille Théo Zoé Mathis Juliette Baptiste Margaux Antoine Élise "
        "Clément Pauline Maxime Amélie",
        "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
        "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier "
        "Dupont Lambert Bonnet François Fontaine Rousseau",
    ),
    "vi-VN": (
        "Anh Bảo Châu Dũng Giang Hải Hà Hiếu Hòa Hùng Hương Khánh Lan Linh Long Mai Minh Nam "
        "Ngọc Nhung Phong Phúc Quang Sơn Thảo Thủy Trang Trung Tuấn Việt",
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý",
    ),
    "ko-KR": (
        "민준 서연 도윤 서윤 예준 지우 시우 하은 주원 하윤 지호 민서 준서 지유 건우 채원",
        "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황",
    ),
    "tr-TR": (
        "Mehmet Ayşe Mustafa Fatma Ahmet Emine Ali Hatice Hüseyin Zeynep Hasan Elif Murat Merve "
        "Emre Büşra Burak Esra Serkan Derya Can Ebru Kemal Gül Oğuz Selin Volkan Özlem",
        "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan "
        "Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Korkmaz Erdoğan Güneş Aksoy",
    ),
    "hi-IN": (
        "Aarav Ananya Vivaan Diya Aditya Isha Arjun Kavya Rohan Priya Rahul Neha Vikram Pooja "
        "Sanjay Sunita Amit Anjali Karan Meera Nikhil Riya Suresh Deepa Manoj Shreya",
        "Sharma Verma Gupta Singh Kumar Patel Reddy Iyer Nair Menon Joshi Mehta Shah Kapoor "
        "Malhotra Chopra Bhatia Saxena Agarwal Banerjee Chatterjee Mukherjee Desai Pillai",
    ),
}
FAMILY_FIRST = frozenset({"vi-VN", "ko-KR"})
JOINED = frozenset({"ko-KR"})  # written without a space: 김민준

# Chinese: common surnames and given-name characters, simplified and traditional.
_CN_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严武戴莫孔向汤"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红娟建国志文斌辉力宇鹏飞浩然子涵"
    "欣怡梓轩一诺雨萱思远俊峰佳琪晓东海燕春梅立新宏亮振宇嘉豪婉婷雅琳文博天佑承恩家宁"
)


def _han_name(rng: random.Random) -> str:
    surname = rng.choice(_CN_SURNAMES)
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
    return surname + given


def _romanised(han: str, system: Callable[[str], list[str]], rng: random.Random) -> str:
    syllables = [s.replace("v", "u") for s in system(han)]  # ü as passports write it
    family, given = syllables[0].capitalize(), syllables[1:]
    given_text = ("-" if rng.random() < 0.5 else "").join(given).capitalize()
    return f"{family} {given_text}" if rng.random() < 0.6 else f"{given_text} {family}"


@cache  # building a converter loads its dictionaries: once, not per name
def _taiwan() -> Any:
    from opencc import OpenCC

    return OpenCC("s2tw")


def _chinese(locale: str, rng: random.Random) -> str:
    from pypinyin import Style, lazy_pinyin

    han = _han_name(rng)
    if locale == "zh-TW":
        han = str(_taiwan().convert(han))
    kind = rng.random()
    if kind < 0.4:
        return han
    if locale == "zh-CN":
        return _romanised(han, lambda h: lazy_pinyin(h, style=Style.NORMAL), rng)

    def wade(h: str) -> list[str]:
        return [s.replace("'", "") for s in lazy_pinyin(h, style=Style.WADEGILES)]

    return _romanised(han, wade, rng)


def _latin(locale: str, rng: random.Random) -> str:
    given_text, family_text = _LATIN[locale]
    given = rng.choice(given_text.split())
    family = rng.choice(family_text.split())
    if locale == "es-MX" and rng.random() < 0.5:
        family = f"{family} {rng.choice(family_text.split())}"  # two surnames
    if locale in JOINED:
        return family + given
    return f"{family} {given}" if locale in FAMILY_FIRST else f"{given} {family}"


# Shares of the output: Chinese mainland and Taiwan names are the heaviest.
WEIGHTS = {"zh-CN": 30, "zh-TW": 20} | {locale: 5 for locale in _LATIN}


def generate(
    count: int, seed: int = 10, locales: Iterable[str] | None = None
) -> list[tuple[str, str]]:
    """``count`` (name, locale) pairs, reproducible for a seed."""
    rng = random.Random(seed)
    chosen = list(locales) if locales is not None else list(WEIGHTS)
    weights = [WEIGHTS[locale] for locale in chosen]
    out = []
    for _ in range(count):
        locale = rng.choices(chosen, weights)[0]
        name = _chinese(locale, rng) if locale.startswith("zh") else _latin(locale, rng)
        out.append((name, locale))
    return out


def negatives(
    count: int, listed: Callable[[str], bool], seed: int = 10, locales: Iterable[str] | None = None
) -> list[tuple[str, str]]:
    """Generated names that ``listed`` does not recognise as a listed name, deduplicated."""
    seen: set[str] = set()
    out = []
    for name, locale in generate(count, seed, locales):
        if name not in seen and not listed(name):
            seen.add(name)
            out.append((name, locale))
    return out


def main() -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(["name", "locale"])
    writer.writerows(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))


if __name__ == "__main__":
    main()
