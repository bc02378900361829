"""Tables built from packaged data, kept on disk between runs (cardscan.cache)."""

from __future__ import annotations

import os

import pytest

from cardscan import cache


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.setenv("CARDSCAN_CACHE_DIR", str(tmp_path / "cache"))
    data, code = tmp_path / "data.json", tmp_path / "builder.py"
    data.write_text('{"a": 1}')
    code.write_text("def build(): ...")
    return data, code


class Builder:
    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_a_table_is_built_once_and_then_read_from_disk(files) -> None:
    data, code = files
    build = Builder({"paris": "FR,US", "köln": "DE"})
    first = cache.kept("cities", build, data=[data], code=[code])
    again = cache.kept("cities", build, data=[data], code=[code])
    assert first == again == {"paris": "FR,US", "köln": "DE"}
    assert build.calls == 1


@pytest.mark.parametrize("changed", ["data", "code"])
def test_a_changed_data_file_or_builder_makes_a_new_table(files, changed) -> None:
    data, code = files
    cache.kept("cities", Builder({"x": "1"}), data=[data], code=[code])
    if changed == "data":
        data.write_text('{"a": 22}')
        os.utime(data, ns=(1, 1))
    else:
        code.write_text("def build(): return 2")
    build = Builder({"x": "2"})
    assert cache.kept("cities", build, data=[data], code=[code]) == {"x": "2"}
    assert build.calls == 1
    # The table made from the old files is gone; one of another name is not touched.
    cache.kept("streets", Builder({"y": "1"}), data=[data], code=[code])
    tables = sorted(p.name.split("-")[0] for p in (data.parent / "cache" / "tables").iterdir())
    assert tables == ["cities", "streets"]


def test_a_cache_that_cannot_be_written_costs_only_the_build(files, tmp_path, monkeypatch) -> None:
    data, code = files
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("CARDSCAN_CACHE_DIR", str(blocker))
    build = Builder({"x": "1"})
    for _ in range(2):
        assert cache.kept("cities", build, data=[data], code=[code]) == {"x": "1"}
    assert build.calls == 2
    assert blocker.read_text() == ""


def test_a_link_in_the_tables_place_is_never_replaced(files, tmp_path) -> None:
    data, code = files
    cache.kept("cities", Builder({"x": "1"}), data=[data], code=[code])
    (table,) = (tmp_path / "cache" / "tables").iterdir()
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    table.unlink()
    table.symlink_to(target)
    assert cache.kept("cities", Builder({"x": "1"}), data=[data], code=[code]) == {"x": "1"}
    assert table.is_symlink() and target.read_text() == "keep me"


def test_the_gazetteer_tables_read_back_equal_the_built_ones() -> None:
    from cardscan.extract import region

    region.gazetteer_cities.cache_clear()
    region._city_index.cache_clear()
    kept_cities, kept_index = dict(region.gazetteer_cities()), region._city_index()
    region.gazetteer_cities.cache_clear()
    region._city_index.cache_clear()
    assert dict(region.gazetteer_cities()) == kept_cities  # read from the file this time
    assert region._city_index() == kept_index
    built = region._gazetteer_cities()
    assert kept_cities == {k: frozenset(v.split(",")) for k, v in built.items()}
    assert kept_index == region._build_city_index()
    assert {"FR", "US"} <= region.gazetteer_cities()["paris"]
    assert "zzzz-no-such-city" not in region.gazetteer_cities()
