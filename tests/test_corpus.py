import pytest

import textgen
from textgen.corpus import CorpusError, markdown_play_to_speeches


def test_default_corpus_is_offline_shakespeare_of_about_a_million_chars():
    text = textgen.load_corpus(textgen.shakespeare_path())
    assert 900_000 < len(text) <= textgen.corpus.SHAKESPEARE_MAX_CHARS
    assert len(set(text)) <= 80
    assert text.startswith("BERNARDO:\nWho's there?\n\n")
    for markup in "*_#[]\\":
        assert markup not in text, f"Markdown markup {markup!r} left in the corpus"


def test_building_is_deterministic():
    assert textgen.build_shakespeare() == textgen.build_shakespeare()


def test_markdown_cleaning():
    md = (
        "# Play\n\n## ACT I\n\n_Enter GHOST_\n\n**HAMLET**  \nTo be,  \n_\\[Aside]_  \nor not\u2014to be.\n\n"
        "_A long stage\ndirection_\n\n**KING CLAUDIUS**  \nHow now!\n"
    )
    assert markdown_play_to_speeches(md) == ["HAMLET:\nTo be,\nor not--to be.\n", "KING CLAUDIUS:\nHow now!\n"]


def test_max_chars_cuts_at_a_speech_boundary():
    text = textgen.build_shakespeare(max_chars=5_000)
    assert len(text) <= 5_000
    assert text.endswith("\n\n")
    assert text.split("\n\n")[-2].split("\n")[0].endswith(":") or ":\n" in text.split("\n\n")[-2]


def test_env_variable_switches_corpus(tmp_path, monkeypatch):
    f = tmp_path / "mine.txt"
    f.write_text("Grüß Gott! Ein kleiner Text.\n" * 10, encoding="utf-8")
    monkeypatch.setenv("TEXTGEN_CORPUS", str(f))
    assert textgen.load_corpus().startswith("Grüß Gott!")
    assert textgen.corpus_name() == "mine.txt"


def test_crlf_and_bom_are_normalised(tmp_path):
    f = tmp_path / "win.txt"
    f.write_bytes("\ufeffline one\r\nline two\r\n".encode("utf-8"))
    assert textgen.read_text(f) == "line one\nline two\n"


def test_missing_file_message(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"corpus file not found: .*nope\.txt -- check the path"):
        textgen.load_corpus(tmp_path / "nope.txt")


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a folder, not a file"):
        textgen.read_text(tmp_path)


def test_non_utf8_names_byte_offset(tmp_path):
    f = tmp_path / "latin1.txt"
    f.write_bytes("Hello Gr\u00fc\u00df".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"is not UTF-8: byte 0xfc at byte offset 8 -- re-save the file as UTF-8"):
        textgen.read_text(f)


def test_empty_file(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="is empty -- choose a file that contains text"):
        textgen.read_text(f)


def test_too_short_for_a_sequence():
    with pytest.raises(CorpusError, match=r"has 10 characters but one training sequence needs 101 -- use a longer text"):
        textgen.check_length("0123456789", seq_len=100)
    textgen.check_length("x" * 101, seq_len=100)  # exactly enough


def test_split_is_contiguous_and_90_10():
    text = "".join(f"line {i}\n" for i in range(10_000))
    train, val = textgen.split_text(text)
    assert train + val == text
    assert train.endswith("\n")  # cut at a line start
    assert abs(len(val) / len(text) - 0.1) < 0.01


def test_split_of_text_without_newlines():
    train, val = textgen.split_text("a" * 100, 0.2)
    assert (len(train), len(val)) == (80, 20)


@pytest.mark.parametrize("bad", [0, 1, -0.1, 1.5])
def test_split_rejects_bad_fraction(bad):
    with pytest.raises(ValueError, match="val_fraction must lie strictly between 0 and 1"):
        textgen.split_text("abcdef", bad)
