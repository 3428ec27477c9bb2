import numpy as np
import pytest

from textgen import CharVocab, WordVocab, detokenize_words, load_vocab, tokenize_words, vocab_from_dict


def test_char_roundtrip_and_sorted_ids():
    v = CharVocab.build("hello world\n")
    assert v.itos == ["\ufffd", "\n", " ", "d", "e", "h", "l", "o", "r", "w"]
    ids = v.encode("hello")
    assert ids.dtype == np.int64 and ids.tolist() == [5, 4, 6, 6, 7]
    assert v.decode(ids) == "hello"
    assert len(v) == v.size == 10


def test_char_unknown_is_an_error_naming_the_characters():
    v = CharVocab.build("abc")
    with pytest.raises(ValueError, match=r"2 character\(s\) not in the vocabulary: 'x', 'z' -- remove them, or pass allow_unknown=True"):
        v.encode("abzxz")


def test_char_unknown_opt_in():
    v = CharVocab.build("abc")
    assert v.encode("axb", allow_unknown=True).tolist() == [1, 0, 2]
    assert v.decode([1, 0, 2]) == "a\ufffdb"


def test_decode_rejects_out_of_range():
    v = CharVocab.build("abc")
    with pytest.raises(ValueError, match=r"ids outside 0..3: '7'"):
        v.decode([1, 7])


def test_empty_training_text():
    with pytest.raises(ValueError, match="cannot build a vocabulary from empty text"):
        CharVocab.build("")


def test_save_load_roundtrip(tmp_path):
    v = CharVocab.build("Grüß dich\n")
    v.save(tmp_path / "v.json")
    assert load_vocab(tmp_path / "v.json") == v
    w = WordVocab.build(tokenize_words("a b a ."))
    assert vocab_from_dict(w.to_dict()) == w


def test_require_same_explains_the_difference():
    a, b = CharVocab.build("abc"), CharVocab.build("abcä")
    a.require_same(CharVocab.build("cba"))
    with pytest.raises(ValueError, match=r"the checkpoint has a char vocabulary of 5 tokens that differs .*only in the checkpoint: 'ä'.*train a new model, or set TEXTGEN_CORPUS"):
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


def test_round_trip_of_the_whole_built_in_corpus():
    from textgen import load_corpus

    text = load_corpus()
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
    with pytest.raises(ValueError, match="min_freq must be an integer >= 1"):
        WordVocab.build(["a"], min_freq=0)
    with pytest.raises(TypeError, match="call tokenize_words"):
        WordVocab.build("a b c")
