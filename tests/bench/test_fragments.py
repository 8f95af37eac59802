"""bench.fragments, on a few rows: it runs, and the Jinja2 rows match the f-string rows they replaced."""
from bench import fragments


def test_fragments_benchmark_finds_the_same_markup_as_the_f_strings(capsys):
    assert fragments.main(["--rows", "12", "--number", "1", "--repeat", "1"]) == 0
    assert capsys.readouterr().out.count("×") == 3  # a ratio for each table
