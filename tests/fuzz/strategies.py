"""What the fuzz tests throw at the service: Hypothesis settings and strategies for hostile input.

Two profiles. Under CI (CI=true) examples are derandomized, so a run is repeatable and a failure
reproduces on the next push; elsewhere each run draws new examples (set HYPOTHESIS_SEED to replay one).
Settings are applied per test (`@settings(FUZZ, max_examples=...)`), never loaded globally, so other
tests' Hypothesis settings are left alone. `FUZZ_SCALE=10` multiplies every test's examples for a
longer local hunt.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.support import in_ci

_COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,  # one world per test; each example rolls back its writes
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
    "print_blob": True,
}
settings.register_profile("fuzz-ci", derandomize=True, **_COMMON)
settings.register_profile("fuzz-dev", **_COMMON)
FUZZ = settings.get_profile(os.environ.get("FUZZ_PROFILE") or ("fuzz-ci" if in_ci() else "fuzz-dev"))
SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))


def examples(count: int) -> settings:
    """The fuzz profile with `count` examples (times FUZZ_SCALE)."""
    return settings(FUZZ, max_examples=count * SCALE)


# Text a browser can send: any Unicode except lone surrogates (not encodable as UTF-8).
_ANY_CHAR = st.characters(blacklist_categories=("Cs",))
_CONTROL_CHAR = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.sampled_from("\x7f\u200b\u202e\ufeff")

# Inputs that have broken form handling somewhere before: numbers a parser chokes on, dates that are not,
# markup, formulas, paths, directionality tricks, and words that look like other types.
AWKWARD = [
    "",
    " ",
    "\x00",
    "\r\n",
    "\t",
    "0",
    "-0",
    "-1",
    "1.5",
    "1e309",
    "-1e309",
    "1E+999999999",
    "1e-999",
    "NaN",
    "inf",
    "-Infinity",
    "99999999999999999999999999999999",
    "-99999999999999999999999999999999",
    "9223372036854775808",
    "2147483648",
    "0x1F",
    "1_000",
    "1,000,000",
    "£1,000.50",
    "١٢٣",  # Arabic-Indic digits
    "１２",  # full-width digits
    "²",
    "2024-13-45",
    "31/02/2024",
    "0000-00-00",
    "2024-02-30",
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "<svg onload=alert(1)>",
    "' OR '1'='1",
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "@SUM(A1)",
    "../../etc/passwd",
    "..\\..\\x.pdf",
    "C:\\Windows\\system.ini",
    "\u202etxt.exe",
    "Zo\u0308e\u0301",
    "🙂🙂",
    "𝕏" * 5,
    "%00",
    "%s%s%n",
    "{{ 7*7 }}",
    "{% debug %}",
]

awkward_text = st.sampled_from(AWKWARD)
random_text = st.text(alphabet=_ANY_CHAR, max_size=40)
control_text = st.text(alphabet=_CONTROL_CHAR | _ANY_CHAR, min_size=1, max_size=20)
long_text = st.builds(
    lambda piece, times: piece * times,
    st.text(alphabet=_ANY_CHAR, min_size=1, max_size=4),
    st.integers(min_value=200, max_value=20_000),
)
big_number = st.integers(min_value=-(10**40), max_value=10**40).map(str)
odd_number = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    big_number,
)

nasty_text = st.one_of(awkward_text, random_text, control_text, long_text, odd_number)


def posted_value(options: list[str] | None = None) -> st.SearchStrategy[list[str]]:
    """The values posted for one field name: usually one, sometimes none or several (a tampered form).

    Where the page offers options (a select, radios, checkboxes), a real option is drawn often, so the
    form gets past its first error and into its cross-field checks.
    """
    one = (
        nasty_text
        if not options
        else st.one_of(st.sampled_from(options), st.sampled_from(options), nasty_text)
    )
    return st.one_of(
        one.map(lambda value: [value]),
        one.map(lambda value: [value]),
        one.map(lambda value: [value]),
        st.just([]),
        st.lists(one, min_size=2, max_size=4),
    )


# Files for file fields: empty, random bytes, text, markup, a PDF header, under hostile names.
hostile_names = st.one_of(
    st.sampled_from(
        [
            "report.pdf",
            "../../etc/passwd",
            "..\\..\\x.pdf",
            "/etc/shadow.pdf",
            "C:\\boot.ini",
            "nul.pdf",
            "a\x00b.pdf",
            ".pdf",
            "x" * 300 + ".pdf",
            "data.csv",
            "book.xlsx",
            "image.svg",
            "\u202efdp.exe",
        ]
    ),
    st.text(alphabet=_ANY_CHAR, max_size=60),
)
file_bodies = st.one_of(
    st.just(b""),
    st.binary(max_size=512),
    st.sampled_from(
        [
            b"%PDF-1.4\n%%EOF\n",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            b"<html><body>hello</body></html>",
            b"a,b\n1,2\n",
            b"PK\x03\x04garbage",
            b"\x89PNG\r\n\x1a\n",
        ]
    ),
)
