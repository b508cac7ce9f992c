from quotetrack.domain import Document, Failure
from quotetrack.run.inputs import read_documents


def test_folder_ids_are_relative_paths_without_txt(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "two.txt").write_text("Two.", encoding="utf-8")
    (tmp_path / "skip.md").write_text("not an article", encoding="utf-8")
    docs = list(read_documents([tmp_path]))
    assert [d.id for d in docs] == ["a/one", "two"]


def test_single_file_id_is_its_name(tmp_path):
    f = tmp_path / "story.txt"
    f.write_text("Text.", encoding="utf-8")
    assert [d.id for d in read_documents([f])] == ["story"]


def test_bom_dropped_and_line_endings_normalised(tmp_path):
    f = tmp_path / "win.txt"
    f.write_bytes("\ufeffLine one.\r\nLine two.\rLine three.".encode("utf-8"))
    (doc,) = read_documents([f])
    assert doc.text == "Line one.\nLine two.\nLine three."


def test_invalid_utf8_is_reported_and_others_go_on(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 au lait")
    (tmp_path / "good.txt").write_text("Fine.", encoding="utf-8")
    items = list(read_documents([tmp_path]))
    assert isinstance(items[0], Failure) and "bad.txt" in items[0].source and "UTF-8" in items[0].reason
    assert isinstance(items[1], Document) and items[1].id == "good"


def test_jsonl_lines_with_errors_named_by_line(tmp_path):
    f = tmp_path / "batch.jsonl"
    f.write_text(
        '{"id": "a", "text": "First."}\n'
        "not json\n"
        '{"id": "b"}\n'
        '{"text": "no id"}\n'
        "\n"
        '{"id": "a", "text": "duplicate"}\n'
        '{"id": 7, "text": "numbers are ids too"}\n',
        encoding="utf-8",
    )
    items = list(read_documents([f]))
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, Failure)]
    assert [d.id for d in docs] == ["a", "7"]
    assert [e.source.rsplit(":", 1)[1] for e in errors] == ["2", "3", "4", "6"]
    assert "not valid JSON" in errors[0].reason
    assert "missing 'text'" in errors[1].reason
    assert "missing 'id'" in errors[2].reason
    assert "duplicate" in errors[3].reason


def test_missing_path_is_reported(tmp_path):
    (item,) = read_documents([tmp_path / "nope"])
    assert isinstance(item, Failure) and "no such file" in item.reason
